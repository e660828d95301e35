import { afterEach, describe, expect, it } from 'vitest'
import LeavesView from '../src/views/LeavesView.vue'
import type { LeaveAssessmentView, LeaveView, SubjectDetail } from '../src/api/types'
import { state } from '../src/lib/session'
import { fakeBackend, flushPromises, mountWith } from './mount'

function subject(id: string, name: string): SubjectDetail {
  return {
    subject: { id, name } as SubjectDetail['subject'],
    summary: {
      id, name, name_initials: 'zs', sex: 'male', id_number_masked: '130123********0012', sentence_type: 'probation',
      sentence_type_label: '缓刑', class: 'ordinary', class_label: '普管', status: 'in_correction', status_label: '在矫',
      phase_label: '', term_start: '2026-01-01', term_end: '2027-12-31', days_remaining: 400, is_minor_case: false,
    },
  }
}

function leave(id: string, st: string, authority: 'office' | 'county' | 'higher', over: Partial<LeaveView> = {}): LeaveView {
  return {
    leave: {
      id, subject_id: 'subject-1', applied_on: '2026-11-20', start_date: '2026-12-01', end_date: '2026-12-12', days: 12,
      destination_code: '110105', destination_detail: '北京市朝阳区某医院', reason_kind: 'medical', reason_text: '复查', authority,
    },
    subject_name: '张三', state: { state: st }, state_label: st, due_back: '2026-12-12', days_overdue: null, decided_by: authority, office_decides: authority === 'office',
    events: [{ id: `${id}-e1`, kind: 'submit', actor_level: 'office', event_date: '2026-11-20', approve: null, new_end: null, note: null }],
    ...over,
  }
}

const county: LeaveAssessmentView = {
  days: 12, authority: 'county', authority_label: '县级社区矫正机构',
  approver: '由县级社区矫正机构审批：超过7日，司法所签署意见后报县级（实施办法第二十七条）。',
  cumulative_days: 12, cumulative_window: { start: '2026-10-13', end: '2026-12-12' },
  notices: [{ warning: true, message: '申请时间偏晚：外出应提前3日申请。' }],
}

const $ = <E extends Element = HTMLElement>(sel: string) => document.querySelector(sel) as E | null
const settle = async (ms = 0) => {
  await flushPromises()
  if (ms) await new Promise((r) => setTimeout(r, ms))
  await flushPromises()
}

/** Types into an input the way a user does (a date picker parses the text on change). */
async function type(sel: string, value: string) {
  const input = $<HTMLInputElement>(sel)!
  input.value = value
  input.dispatchEvent(new Event('input'))
  input.dispatchEvent(new Event('change'))
  await flushPromises()
}

function actions(row: number): string[] {
  const rows = document.querySelectorAll('#leave-list .el-table__body-wrapper tbody > tr.el-table__row')
  return [...rows[row].querySelectorAll('.leave-action')].map((e) => e.getAttribute('data-action') ?? '')
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('外出申请', () => {
  it('shows the live assessment as dates change, and a refusal under its field with 提交 disabled', async () => {
    const b = fakeBackend()
    b.subjects = [subject('subject-1', '张三')]
    b.assessment = county
    const { w, router } = await mountWith(LeavesView, b)
    await router.push('/leaves?subject=subject-1&new=1')
    await settle()
    expect($('#form-leave')).not.toBeNull()
    await type('#l-dest-code', '110105')
    await type('#l-start', '2026-12-01')
    await settle(300)
    // No end date yet: nothing to assess.
    expect(b.calls.filter((c) => c.method === 'assessLeave')).toHaveLength(0)
    expect($('#leave-assessment')!.textContent).not.toContain('县级')

    await type('#l-end', '2026-12-12')
    await settle(300)
    const calls = b.calls.filter((c) => c.method === 'assessLeave')
    expect(calls).toHaveLength(1)
    expect(calls[0].args[0]).toMatchObject({ subject_id: 'subject-1', start_date: '2026-12-01', end_date: '2026-12-12', destination_code: '110105', reason_kind: 'medical' })
    const box = $('#leave-assessment')!.textContent!
    expect(box).toContain('县级社区矫正机构')
    expect(box).toContain('12天')
    expect(box).toContain('申请时间偏晚')
    expect($('#leave-assessment .el-alert--warning')).not.toBeNull()
    expect($<HTMLButtonElement>('#leave-submit')!.disabled).toBe(false)

    b.failNext('assessLeave', { kind: 'invalid', problems: [{ field: 'end_date', code: 'leave.end_before_start', message: '外出结束日期：2026-11-30 早于起始日期 2026-12-01。' }] })
    await type('#l-end', '2026-11-30')
    await settle(300)
    const endItem = $('#l-end')!.closest('.el-form-item')!
    expect(endItem.textContent).toContain('早于起始日期')
    expect($('#leave-assessment')!.textContent).not.toContain('县级社区矫正机构')
    expect($<HTMLButtonElement>('#leave-submit')!.disabled).toBe(true)

    // Fixing the date clears the refusal and submits.
    await type('#l-end', '2026-12-12')
    await settle(300)
    expect($('#l-end')!.closest('.el-form-item')!.textContent).not.toContain('早于起始日期')
    await type('#l-reason-text', '住院复查')
    $<HTMLButtonElement>('#leave-submit')!.click()
    await settle()
    const submitted = b.calls.find((c) => c.method === 'submitLeaveRequest')
    expect(submitted?.args[0]).toMatchObject({ subject_id: 'subject-1', end_date: '2026-12-12', reason_text: '住院复查', applied_on: '2026-11-23' })
    expect(b.calls.filter((c) => c.method === 'listLeaves')).toHaveLength(2) // reloaded after submitting
    w.unmount()
  }, 15_000)
})

describe('外出审批流程', () => {
  it('offers only the steps valid for each state and authority', async () => {
    const b = fakeBackend()
    b.leaves = [
      leave('l1', 'submitted', 'county'),
      leave('l2', 'submitted', 'office', { leave: { ...leave('l2', 'submitted', 'office').leave, days: 3 } }),
      leave('l3', 'on_leave', 'county', { days_overdue: 2, state_label: '外出中（逾期未归）' }),
      leave('l4', 'returned', 'county'),
    ]
    const { w } = await mountWith(LeavesView, b)
    expect(actions(0)).toContain('office_opinion')
    expect(actions(0)).not.toContain('office_decide_approve')
    expect(actions(1)).toEqual(expect.arrayContaining(['office_decide_approve', 'office_decide_reject']))
    expect(actions(1)).not.toContain('office_opinion')
    expect(actions(2)).toEqual(['return', 'request_extension', 'recall'])
    expect(actions(3)).toEqual([])
    expect(document.querySelectorAll('#leave-list .leave-state.el-tag--danger')).toHaveLength(1)

    // The overdue filter keeps only the overdue leave.
    await w.find('input#leave-only-overdue').setValue(true)
    expect(document.querySelectorAll('#leave-list tr.el-table__row')).toHaveLength(1)
    expect($('#leave-list')!.textContent).toContain('逾期2天')
    w.unmount()

    // 实施办法第二十七条: once the county withdraws its delegation, the office can no longer
    // decide the short leave it was entrusted with (the backend says so); it reports it up.
    document.body.innerHTML = ''
    b.leaves = [b.leaves[0], { ...b.leaves[1], office_decides: false }]
    const again = await mountWith(LeavesView, b)
    expect(actions(1)).toEqual(['office_opinion', 'cancel'])
    again.w.unmount()
  })

  it('records a transcribed county decision with its document number and date', async () => {
    const b = fakeBackend()
    b.leaves = [leave('l1', 'awaiting_county', 'county')]
    const { w } = await mountWith(LeavesView, b)
    $<HTMLButtonElement>('.leave-action[data-action="county_decide"]')!.click()
    await settle()
    expect($('#form-leave-step')).not.toBeNull()
    await type('#ls-doc_no', '某社矫〔2026〕12号')
    await type('#ls-on', '2026-11-21')
    $<HTMLButtonElement>('#leave-step-save')!.click()
    await settle()
    const call = b.calls.find((c) => c.method === 'recordLeaveStep')
    expect(call?.args[0]).toEqual({ leave_id: 'l1', step: { kind: 'county_decide', approve: true, reason: '', doc_no: '某社矫〔2026〕12号' }, on: '2026-11-21' })
    w.unmount()
  })

  it('shows a refusal of a step in the dialog', async () => {
    const b = fakeBackend()
    b.leaves = [leave('l1', 'on_leave', 'county')]
    const { w } = await mountWith(LeavesView, b)
    $<HTMLButtonElement>('.leave-action[data-action="return"]')!.click()
    await settle()
    b.failNext('recordLeaveStep', { kind: 'invalid', problems: [{ field: 'summary', code: 'required', message: '外出情况：必须填写。' }] })
    $<HTMLButtonElement>('#leave-step-save')!.click()
    await settle()
    expect($('#ls-summary')!.closest('.el-form-item')!.textContent).toContain('外出情况：必须填写。')
    expect(b.calls.find((c) => c.method === 'recordLeaveStep')?.args[0]).toMatchObject({ step: { kind: 'return', date: '2026-11-23', method: 'in_person', summary: '' } })
    w.unmount()
  })

  it('does not let staff other than the 负责人 take decisions', async () => {
    const b = fakeBackend()
    state.session = { ...b.sessionView!, role: 'staff', role_label: '工作人员' }
    b.leaves = [leave('l1', 'submitted', 'office'), leave('l2', 'approved', 'office')]
    const { w } = await mountWith(LeavesView, b)
    const approve = $<HTMLButtonElement>('.leave-action[data-action="office_decide_approve"]')!
    expect(approve.disabled).toBe(true)
    approve.click()
    await settle()
    expect($('#form-leave-step')).toBeNull()
    // Steps any staff member may record stay open to them.
    const cert = $<HTMLButtonElement>('.leave-action[data-action="issue_certificate"]')!
    expect(cert.disabled).toBe(false)
    cert.click()
    await settle()
    expect($('#form-leave-step')).not.toBeNull()
    w.unmount()
  })
})

describe('外出管理 with the county online', () => {
  it('offers no transcription of county decisions once the PC is enrolled', async () => {
    const b = fakeBackend()
    b.leaves = [leave('l1', 'awaiting_county', 'county')]
    await mountWith(LeavesView, b)
    expect(actions(0)).toContain('county_decide')
    document.body.innerHTML = ''
    b.syncState = { ...b.syncState, enrolled: true }
    await mountWith(LeavesView, b)
    expect(actions(0)).toEqual(['cancel'])
  })
})
