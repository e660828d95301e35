// Form choices and their labels, served by jiaowu-app (so statutory terms live in one place).
import type { Choice } from '../api/types'
import { state } from './session'

export function choices(group: string): Choice[] {
  return state.options.find((g) => g.name === group)?.choices ?? []
}

export function label(group: string, value: string | null | undefined): string {
  if (value == null) return ''
  return choices(group).find((c) => c.value === value)?.label ?? value
}
