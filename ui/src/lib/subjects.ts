// The subjects an attendance sheet or a leave application can name: those still on the office's
// register, in pinyin order.
import type { Backend } from '../api/backend'
import type { SubjectSummary } from '../api/types'
import { byPinyin } from './format'

const OFF_REGISTER = ['released', 'terminated', 'transferred_out']

export async function subjectsOnRegister(backend: Backend): Promise<SubjectSummary[]> {
  const all = await backend.listSubjects('')
  return all.filter((s) => !OFF_REGISTER.includes(s.status)).sort((a, b) => byPinyin(a.name, b.name))
}
