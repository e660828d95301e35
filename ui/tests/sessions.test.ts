import { afterEach, describe, expect, it } from 'vitest'
import SessionsView from '../src/views/SessionsView.vue'
import StatisticsView from '../src/views/StatisticsView.vue'
import type { ServiceActivityForm, StudySessionForm, SubjectDetail } from '../src/api/types'
import { fakeBackend, flushPromises, mountWith } from './mount'

function subject(id: string, name: string, status = 'in_correction', status_label = '在矫'): SubjectDetail {
  return {
    subject: { id, name } as SubjectDetail['subject'],
    summary: {
      id, name, name_initials: '', sex: 'male', id_number_masked: '130123********0012', sentence_type: 'probation',
      sentence_type_label: '缓刑', class: 'ordinary', class_label: '普管', status, status_label,
      phase_label: '', term_start: '2026-01-01', term_end: '2027-12-31', days_remaining: 400, is_minor_case: false,
    },
  }
}

const $ = <E extends Element = HTMLElement>(sel: string) => document.querySelector(sel) as E | null

async function type(sel: string, value: string) {
  const input = $<HTMLInputElement>(sel)!
  input.value = value
  input.dispatchEvent(new Event('input'))
  input.dispatchEvent(new Event('change'))
  await flushPromises()
}

/** The study sheet's rows, in display (pinyin) order. */
const rows = () => [...document.querySelectorAll('#st-sheet .el-table__body-wrapper tr.el-table__row')]
const rowOf = (name: string) => rows().find((r) => r.textContent?.includes(name))!

afterEach(() => {
  document.body.innerHTML = ''
})

describe('集中教育学习', () => {
  it('lists only subjects on the register and saves one attendance line per checked subject', async () => {
    const b = fakeBackend()
    b.subjects = [subject('s1', '张三'), subject('s2', '李四'), subject('s3', '王五', 'on_leave', '外出中'),
      subject('s4', '赵六'), subject('s5', '钱七', 'released', '已解矫')]
    const { w } = await mountWith(SessionsView, b)
    expect(rows()).toHaveLength(4)
    expect($('#st-sheet')!.textContent).not.toContain('钱七')

    await type('#st-place', '司法所会议室')
    await type('#st-topic', '社区矫正法学习')
    for (const name of ['张三', '李四', '王五']) {
      const box = rowOf(name).querySelector('.att-check input') as HTMLInputElement
      box.checked = true
      box.dispatchEvent(new Event('change'))
    }
    await flushPromises()
    // 王五 was away: mark him absent; his hours drop to 0.
    const absent = w.findAllComponents({ name: 'ElSelect' }).find((s) => s.classes().includes('att-kind') && rowOf('王五').contains(s.element))!
    absent.vm.$emit('update:modelValue', 'absent_ill')
    absent.vm.$emit('change', 'absent_ill')
    await flushPromises()
    expect((rowOf('王五').querySelector('.att-hours input') as HTMLInputElement).value).toBe('0.00')
    expect((rowOf('张三').querySelector('.att-hours input') as HTMLInputElement).value).toBe('2.00')

    $<HTMLButtonElement>('#study-save')!.click()
    await flushPromises()
    const call = b.calls.find((c) => c.method === 'recordStudySession')
    const form = call!.args[0] as StudySessionForm
    expect(form).toMatchObject({ session_date: '2026-11-23', minutes: 120, place: '司法所会议室', topic: '社区矫正法学习', organiser: '张所长', mode: 'in_person' })
    expect(form.attendance).toHaveLength(3)
    expect(Object.fromEntries(form.attendance.map((a) => [a.subject_id, [a.attendance, a.credited_minutes]]))).toEqual({
      s1: ['present', 120], s2: ['present', 120], s3: ['absent_ill', 0],
    })
    // Saved: the sheet is cleared for the next session.
    expect(document.querySelectorAll('#st-sheet .att-check.is-checked')).toHaveLength(0)
    w.unmount()
  }, 15_000)

  it('selects everyone with 全选 and shows a refusal naming the attendance under the sheet', async () => {
    const b = fakeBackend()
    b.subjects = [subject('s1', '张三'), subject('s2', '李四')]
    const { w } = await mountWith(SessionsView, b)
    await w.find('input#st-all').setValue(true)
    expect(document.querySelectorAll('#st-sheet .att-check.is-checked')).toHaveLength(2)
    b.failNext('recordStudySession', { kind: 'refused', problems: [
      { field: 'attendance', code: 'group.minors_mixed', message: '未成年社区矫正对象应与成年人分别进行（社区矫正法第五十二条）。' },
      { field: 'topic', code: 'required', message: '学习主题：必须填写。' },
      { field: '', code: 'x', message: '本所数据库已锁定。' },
    ] })
    $<HTMLButtonElement>('#study-save')!.click()
    await flushPromises()
    const lines = (b.calls.find((c) => c.method === 'recordStudySession')!.args[0] as StudySessionForm).attendance
    expect(lines.map((l) => l.subject_id).sort()).toEqual(['s1', 's2'])
    expect($('#err-attendance')!.textContent).toContain('社区矫正法第五十二条')
    expect($('#st-topic')!.closest('.el-form-item')!.textContent).toContain('学习主题：必须填写。')
    expect($('#study-errors')!.textContent).toContain('本所数据库已锁定。')
    // The sheet is kept so the user can fix it.
    expect(document.querySelectorAll('#st-sheet .att-check.is-checked')).toHaveLength(2)
    w.unmount()
  }, 15_000)
})

describe('公益活动', () => {
  it('opens from ?tab=service and credits nothing to an exempted participant', async () => {
    const b = fakeBackend()
    b.subjects = [subject('s1', '张三'), subject('s2', '李四')]
    const { w, router } = await mountWith(SessionsView, b)
    await router.push('/sessions?tab=service')
    await flushPromises()
    expect($('#tab-service')!.classList.contains('is-active')).toBe(true)
    await type('#sv-place', '敬老院')
    await type('#sv-content', '打扫卫生')
    await w.find('input#sv-all').setValue(true)
    const li = [...document.querySelectorAll('#sv-sheet tr.el-table__row')].find((r) => r.textContent?.includes('李四'))!
    const exempt = li.querySelector('.part-exempt input') as HTMLInputElement
    exempt.value = '腿部骨折'
    exempt.dispatchEvent(new Event('input'))
    await flushPromises()
    $<HTMLButtonElement>('#service-save')!.click()
    await flushPromises()
    const form = b.calls.find((c) => c.method === 'recordServiceActivity')!.args[0] as ServiceActivityForm
    expect(form).toMatchObject({ activity_date: '2026-11-23', minutes: 120, place: '敬老院', content: '打扫卫生', supervisor: '张所长' })
    expect(form.participants).toEqual([
      { subject_id: 's2', credited_minutes: 0, performance: null, exempt_reason: '腿部骨折' },
      { subject_id: 's1', credited_minutes: 120, performance: null, exempt_reason: null },
    ])
    w.unmount()
  }, 15_000)
})

describe('台账统计', () => {
  it('asks for the chosen month and shows each section and the identity check', async () => {
    const b = fakeBackend()
    b.statistics = {
      office: '城关镇司法所', identities_ok: false, identity_messages: ['期末在册人数不等于期初加接收减解矫。'],
      sections: [{ title: '在册情况', rows: [{ label: '期初在册', value: '12' }, { label: '本期接收', value: '2' }] }],
    }
    const { w } = await mountWith(StatisticsView, b)
    expect(b.calls.find((c) => c.method === 'officeStatistics')?.args[0]).toEqual({ from: '2026-11-01', to: '2026-11-30' })
    const page = $('#statistics')!.textContent!
    expect(page).toContain('在册情况')
    expect(page).toContain('期初在册')
    expect(page).toContain('12')
    expect(page).toContain('期末在册人数不等于期初加接收减解矫。')
    expect(page).not.toContain('数据核对一致')
    w.unmount()
  })
})
