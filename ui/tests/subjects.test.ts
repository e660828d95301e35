import { afterEach, describe, expect, it, vi } from 'vitest'
import SubjectsView from '../src/views/SubjectsView.vue'
import SubjectDetailView from '../src/views/SubjectDetailView.vue'
import type { MonthObligations, ObligationView, SubjectDetail, TimelineEntry } from '../src/api/types'
import type { MemoryBackend } from '../src/api/memory'
import type { Backend } from '../src/api/backend'
import { fakeBackend, flushPromises, mountWith } from './mount'

afterEach(() => {
  document.body.innerHTML = ''
})

/** Replaces some use cases of the fake with canned answers (typed against the real interface). */
const answer = (b: MemoryBackend, methods: Partial<Backend>) => Object.assign(b, methods)

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

function subject(id: string, name: string, initials: string, over: Partial<SubjectDetail['summary']> = {}): SubjectDetail {
  const summary = {
    id, name, name_initials: initials, sex: '男', id_number_masked: `130123********${id.slice(-1)}012`,
    sentence_type: 'probation', sentence_type_label: '缓刑', class: 'ordinary', class_label: '普管',
    status: 'in_correction', status_label: '在矫', phase_label: '常规教育期',
    term_start: '2026-01-10', term_end: '2027-01-09', days_remaining: 47, is_minor_case: false, ...over,
  }
  return {
    summary,
    subject: {
      id, name, former_name: null, sex: 'male', birth_date: '1990-03-07', id_number: '130123199003070012',
      ethnicity: '汉族', phone: '13800000000', residence_code: '130123', residence_detail: '城关镇东街12号',
      household_detail: null, employer: null, education: null, crime: '危险驾驶罪', original_sentence: '拘役三个月，缓刑六个月',
      sentence_type: 'probation', term_start: '2026-01-10', term_end: '2027-01-09', judgment_effective: '2026-01-05',
      deciding_organ: null, decision_doc_no: null, injunction: null, reported_on: '2026-01-12', class: 'ordinary',
      status: 'in_correction', is_minor_case: false, medical_parole: false, able_to_work: true,
      guardian_name: null, guardian_phone: null, notes: null, version: 1,
    },
  }
}

function typeInto(sel: string, value: string) {
  const el = document.querySelector(sel) as HTMLInputElement
  expect(el, sel).not.toBeNull()
  el.value = value
  el.dispatchEvent(new Event('input'))
}

const rowNames = () =>
  [...document.querySelectorAll('#subject-table .el-table__body tr')].map((tr) => tr.querySelector('.name')?.textContent)

const listCalls = (b: MemoryBackend) => b.calls.filter((c) => c.method === 'listSubjects').map((c) => c.args[0])

describe('矫正对象列表', () => {
  it('searches through the backend after a pause and lists the matches by pinyin', async () => {
    const b = fakeBackend()
    b.subjects = [subject('subject-1', '张三', 'zs'), subject('subject-2', '王五', 'ww'), subject('subject-3', '李四', 'ls'), subject('subject-4', '张丽', 'zl')]
    const { w } = await mountWith(SubjectsView, b)
    expect(rowNames()).toEqual(['李四', '王五', '张丽', '张三'])
    expect(w.find('#subject-table').text()).toContain('130123********1012') // masked as given

    typeInto('#subject-search', 'z')
    await flushPromises()
    expect(listCalls(b)).toEqual(['']) // not yet: waits for the typing to pause
    await wait(250)
    await flushPromises()
    expect(listCalls(b)).toEqual(['', 'z'])
    expect(rowNames()).toEqual(['张丽', '张三'])
    w.unmount()
  })

  it('does not search while an input method is composing', async () => {
    const b = fakeBackend()
    b.subjects = [subject('subject-1', '张三', 'zs')]
    const { w } = await mountWith(SubjectsView, b)
    const input = document.querySelector('#subject-search') as HTMLInputElement
    input.dispatchEvent(new CompositionEvent('compositionstart'))
    input.value = 'zhang'
    input.dispatchEvent(new Event('input'))
    await wait(250)
    await flushPromises()
    expect(listCalls(b)).toEqual([''])
    input.value = '张'
    input.dispatchEvent(new CompositionEvent('compositionend', { data: '张' }))
    await wait(250)
    await flushPromises()
    expect(listCalls(b)).toEqual(['', '张'])
    w.unmount()
  })

  it('filters to subjects with unfinished duties this month and opens a row', async () => {
    const b = fakeBackend()
    b.subjects = [subject('subject-1', '张三', 'zs'), subject('subject-2', '李四', 'ls')]
    const month: MonthObligations = {
      year: 2026, month: 11, today: '2026-11-23', overdue: 1, shortfall: 0, due: 0, done: 1,
      subjects: [
        { subject_id: 'subject-1', name: '张三', id_number_masked: '', class_label: '普管', sentence_type_label: '缓刑', obligations: [obligation('overdue')] },
        { subject_id: 'subject-2', name: '李四', id_number_masked: '', class_label: '普管', sentence_type_label: '缓刑', obligations: [obligation('done')] },
      ],
    }
    answer(b, { monthObligations: async () => month })
    const { w, router } = await mountWith(SubjectsView, b)
    expect(rowNames()).toEqual(['李四', '张三'])
    const box = document.querySelector('#filter-open') as HTMLInputElement
    expect(box.tagName).toBe('INPUT')
    box.click()
    await flushPromises()
    expect(rowNames()).toEqual(['张三'])
    ;(document.querySelector('#subject-table .el-table__body tr td') as HTMLElement).click()
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/subjects/subject-1'))
    w.unmount()
  })
})

function obligation(status: 'overdue' | 'done' | 'due'): ObligationView {
  return {
    kind: 'phone_report', label: '电话报告', window: { start: '2026-11-16', end: '2026-11-22' }, due: '2026-11-22',
    required: 1, done: status === 'done' ? 1 : 0, unit_label: '次', required_display: '1', done_display: status === 'done' ? '1' : '0',
    status, status_label: status === 'overdue' ? '已逾期' : status === 'done' ? '已完成' : '待办',
    basis: '实施办法第二十四条（定期报告）', pack_id: 'national-2020', prorated: false,
  }
}

// Clicks an option in the dropdown of this select (other selects on the page have the same labels).
async function pickOption(selectId: string, text: string) {
  const input = document.querySelector(selectId) as HTMLInputElement
  ;(input.closest('.el-select')!.querySelector('.el-select__wrapper') as HTMLElement).click()
  await flushPromises()
  const list = document.getElementById(input.getAttribute('aria-controls')!)!
  const item = [...list.querySelectorAll('.el-select-dropdown__item')].find((li) => li.textContent?.trim() === text) as HTMLElement
  expect(item, text).toBeTruthy()
  item.click()
  await flushPromises()
}

async function pickDate(id: string, text: string) {
  const el = document.querySelector(id) as HTMLInputElement
  el.value = text
  el.dispatchEvent(new Event('input'))
  el.dispatchEvent(new Event('change'))
  await flushPromises()
}

describe('登记新对象', () => {
  it('sends the typed fields, shows a refusal under the ID field, then opens the new file', async () => {
    const b = fakeBackend()
    const { w, router } = await mountWith(SubjectsView, b)
    await w.find('#subject-add').trigger('click')
    await flushPromises()
    expect(document.querySelector('#form-subject')).not.toBeNull()

    typeInto('#s-name', '赵六')
    typeInto('#s-id_number', '130123199003070015')
    typeInto('#s-phone', '13900000000')
    typeInto('#s-residence_code', '130123')
    typeInto('#s-residence_detail', '城关镇西街3号')
    typeInto('#s-crime', '盗窃罪')
    typeInto('#s-original_sentence', '有期徒刑一年，缓刑二年')
    await pickOption('#s-sentence_type', '缓刑')
    await pickDate('#s-term_start', '2026年11月20日')
    await pickDate('#s-term_end', '2028年11月19日')
    await flushPromises()

    b.failNext('registerSubject', {
      kind: 'invalid',
      problems: [{ field: 'id_number', code: 'id_number.check_character', message: '公民身份号码：第18位校验码应为 X，输入的是 5（GB 11643-1999）。' }],
    })
    ;(document.querySelector('#subject-save') as HTMLButtonElement).click()
    await flushPromises()
    const sent = b.calls.find((c) => c.method === 'registerSubject')?.args[0]
    expect(sent).toMatchObject({
      name: '赵六', id_number: '130123199003070015', phone: '13900000000', residence_code: '130123',
      residence_detail: '城关镇西街3号', crime: '盗窃罪', original_sentence: '有期徒刑一年，缓刑二年',
      sentence_type: 'probation', term_start: '2026-11-20', term_end: '2028-11-19', class: null, judgment_effective: null,
    })
    expect(sent).not.toHaveProperty('is_minor_case') // left to the rules unless chosen
    expect(document.querySelector('#err-s-id_number')?.textContent).toContain('第18位校验码应为 X')
    expect(b.subjects).toHaveLength(0)
    expect(document.querySelector('#form-subject')).not.toBeNull()

    typeInto('#s-id_number', '13012319900307001X')
    ;(document.querySelector('#subject-save') as HTMLButtonElement).click()
    await flushPromises()
    expect(b.subjects).toHaveLength(1)
    expect(b.subjects[0].subject.id_number).toBe('13012319900307001X')
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/subjects/subject-1'))
    w.unmount()
  }, 30_000)

  it('asks for the category and term dates before sending anything', async () => {
    const b = fakeBackend()
    const { w } = await mountWith(SubjectsView, b)
    await w.find('#subject-add').trigger('click')
    await flushPromises()
    typeInto('#s-name', '赵六')
    ;(document.querySelector('#subject-save') as HTMLButtonElement).click()
    await flushPromises()
    expect(b.calls.some((c) => c.method === 'registerSubject')).toBe(false)
    expect(document.querySelector('#err-s-sentence_type')?.textContent).toContain('矫正类别')
    expect(document.querySelector('#err-s-term_end')?.textContent).toContain('必填')
    w.unmount()
  }, 30_000)
})

function entry(over: Partial<TimelineEntry> & { id: string; kind: string }): TimelineEntry {
  return {
    kind_label: '报告', correctable: true, date: '2026-11-20', summary: '', recorded_by: '张所长',
    recorded_at: '2026-11-20T02:00:00Z', supersedes: null, correction_reason: null, superseded_by: null, data: {}, ...over,
  }
}

function timeline(): TimelineEntry[] {
  const report = { report_date: '2026-11-20', report_time: null, method: 'phone', received_by: '张所长', anomalies: null, follow_up: null }
  return [
    entry({ id: 'r2', kind: 'report', summary: '在家务农，无异常', supersedes: 'r1', correction_reason: '误记了报告内容',
      data: { ...report, content: '在家务农，无异常' } }),
    entry({ id: 'r1', kind: 'report', summary: '外出打工', superseded_by: 'r2', data: { ...report, content: '外出打工' } }),
    entry({ id: 'v1', kind: 'visit', kind_label: '走访', date: '2026-11-10', summary: '本人在家',
      data: { visit_date: '2026-11-10', place_type: 'home', method: 'in_person', address: '城关镇东街12号', visitors: ['张所长', '王干事'],
        interviewees: [], subject_present: true, findings: '本人在家', problems: null, follow_up: null } }),
    entry({ id: 'l1', kind: 'leave_request', kind_label: '外出申请', date: '2026-11-01', summary: '就医', correctable: false }),
  ]
}

describe('对象档案', () => {
  it('shows the header, duties with their basis and the twelve-month figures', async () => {
    const b = fakeBackend()
    b.subjects = [subject('subject-1', '张三', 'zs')]
    answer(b, {
      monthObligations: async (q) => ({
      year: 2026, month: 11, today: '2026-11-23', overdue: 1, shortfall: 0, due: 0, done: 0,
      subjects: [{ subject_id: q.subject_id!, name: '张三', id_number_masked: '', class_label: '普管', sentence_type_label: '缓刑', obligations: [obligation('overdue')] }],
      }),
      complianceSummary: async () => ({ from: '2025-11-24', to: '2026-11-23', admonitions: 1, warnings: 2, missed_duties: 3, missed_by_kind: [['电话报告', 3]], leave_days: 5 }),
    })
    const { w } = await mountWith(SubjectDetailView, b, { id: 'subject-1' })
    const top = w.find('.top').text()
    expect(top).toContain('张三')
    expect(top).toContain('130123********1012')
    expect(top).toContain('缓刑')
    expect(top).toContain('常规教育期')
    expect(top).toContain('47天')
    expect(w.find('#subject-basic').text()).toContain('危险驾驶罪')
    expect(w.find('#subject-basic').text()).toContain('2026年1月5日')
    expect(w.find('#tab-timeline').exists()).toBe(true)
    const duties = w.find('#month-duties').text()
    expect(duties).toContain('已逾期')
    expect(duties).toContain('实施办法第二十四条')
    expect(duties).toContain('0/1次')
    const c = w.find('#compliance').text()
    expect(w.find('#count-warnings').text()).toContain('2')
    expect(c).toContain('电话报告：3次')
    w.unmount()
  })

  it('records from the toolbar for this subject and reloads the file', async () => {
    const b = fakeBackend()
    b.subjects = [subject('subject-1', '张三', 'zs')]
    const { w, router } = await mountWith(SubjectDetailView, b, { id: 'subject-1' })
    await w.find('#rec-visit').trigger('click')
    await flushPromises()
    expect((document.querySelector('#form-visit #f-address') as HTMLInputElement).value).toBe('城关镇东街12号')
    typeInto('#form-visit #f-findings', '本人在家')
    ;(document.querySelector('#record-save') as HTMLButtonElement).click()
    await flushPromises()
    expect(b.saved).toMatchObject([{ kind: 'visit', input: { subject_id: 'subject-1', findings: '本人在家' } }])
    expect(b.calls.filter((c) => c.method === 'subjectTimeline')).toHaveLength(2)
    expect(b.calls.filter((c) => c.method === 'getSubject')).toHaveLength(2)
    await w.find('#rec-leave').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/leaves?subject=subject-1&new=1'))
    w.unmount()
  })

  it('marks a corrected record and sends only the changed fields with the reason', async () => {
    const b = fakeBackend()
    b.subjects = [subject('subject-1', '张三', 'zs')]
    b.timeline['subject-1'] = timeline()
    const { w } = await mountWith(SubjectDetailView, b, { id: 'subject-1' })
    const old = w.find('[data-id="r1"]')
    expect(old.classes()).toContain('superseded')
    expect(old.text()).toContain('已更正')
    expect(old.text()).toContain('被更正为：2026年11月20日 在家务农，无异常')
    expect(old.find('.correct-btn').exists()).toBe(false)
    const fixed = w.find('[data-id="r2"]')
    expect(fixed.text()).toContain('更正理由：误记了报告内容')
    expect(fixed.text()).not.toContain('已更正')
    expect(fixed.find('.correct-btn').exists()).toBe(true)
    expect(w.find('[data-id="l1"] .correct-btn').exists()).toBe(false) // not correctable

    await w.find('[data-id="v1"] .correct-btn').trigger('click')
    await flushPromises()
    expect(document.querySelector('#form-correct')?.closest('.el-dialog')?.textContent).toContain('原记录保留并标注“已更正”')
    expect((document.querySelector('#c-findings') as HTMLTextAreaElement).value).toBe('本人在家')
    expect((document.querySelector('#c-visitors') as HTMLInputElement).value).toBe('张所长、王干事')

    // Without a reason nothing is sent.
    typeInto('#c-findings', '本人在家，其母亲在场')
    ;(document.querySelector('#correct-save') as HTMLButtonElement).click()
    await flushPromises()
    expect(b.calls.some((c) => c.method === 'correctRecord')).toBe(false)
    expect(document.querySelector('#err-c-correction_reason')?.textContent).toContain('更正理由')

    typeInto('#c-correction_reason', '漏记在场人员')
    ;(document.querySelector('#correct-save') as HTMLButtonElement).click()
    await flushPromises()
    const sent = b.calls.filter((c) => c.method === 'correctRecord').map((c) => c.args[0])
    expect(sent).toEqual([{ kind: 'visit', record_id: 'v1', reason: '漏记在场人员', changes: { findings: '本人在家，其母亲在场' } }])
    expect(b.calls.filter((c) => c.method === 'subjectTimeline')).toHaveLength(2)
    w.unmount()
  })

  it('sends a changed list as an array and refuses a correction that changes nothing', async () => {
    const b = fakeBackend()
    b.subjects = [subject('subject-1', '张三', 'zs')]
    b.timeline['subject-1'] = timeline()
    const { w } = await mountWith(SubjectDetailView, b, { id: 'subject-1' })
    await w.find('[data-id="v1"] .correct-btn').trigger('click')
    await flushPromises()
    typeInto('#c-correction_reason', '核对')
    ;(document.querySelector('#correct-save') as HTMLButtonElement).click()
    await flushPromises()
    expect(b.calls.some((c) => c.method === 'correctRecord')).toBe(false)
    expect(document.querySelector('#err-c-general')?.textContent).toContain('没有修改任何内容')

    typeInto('#c-visitors', '张所长，李干事')
    ;(document.querySelector('#correct-save') as HTMLButtonElement).click()
    await flushPromises()
    const sent = b.calls.filter((c) => c.method === 'correctRecord').map((c) => c.args[0])
    expect(sent).toEqual([{ kind: 'visit', record_id: 'v1', reason: '核对', changes: { visitors: ['张所长', '李干事'] } }])
    w.unmount()
  })
})
