import { afterEach, describe, expect, it } from 'vitest'
import HomeView from '../src/views/HomeView.vue'
import type { DutyItem, HomeView as Home } from '../src/api/types'
import { fakeBackend, flushPromises, mountWith } from './mount'

function duty(over: Partial<DutyItem> & { status: 'overdue' | 'due'; due: string }): DutyItem {
  return {
    subject_id: 'subject-1', name: '张三', id_number_masked: '130123********0012', days_left: -3,
    action: 'report', prefill: { method: 'phone' },
    obligation: {
      kind: 'phone_report', label: '电话报告', window: { start: '2026-11-16', end: '2026-11-22' }, due: over.due,
      required: 1, done: 0, unit_label: '次', required_display: '1', done_display: '0', status: over.status,
      status_label: over.status === 'overdue' ? '已逾期' : '待办',
      basis: '实施办法第二十四条（定期报告）', pack_id: 'national-2020', prorated: false,
    },
    ...over,
  }
}

function home(overdue: DutyItem[], week: DutyItem[]): Home {
  return {
    today: '2026-11-23', year: 2026, month: 11, on_register: 1, overdue, due_this_week: week, due_this_month: [],
    overdue_total: overdue.length, due_this_week_total: week.length, due_this_month_total: 0,
    done_this_month: 0, leaves_under_way: [], overdue_returns: [], awaiting_decision: [], alerts: [], clocks: [],
    sync: { connected: false, label: '未连接县级中心', pending_ops: 7 },
  }
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('工作台', () => {
  it('groups duties by urgency, shows each rule citation and the sync state', async () => {
    const b = fakeBackend()
    b.homeView = home([duty({ status: 'overdue', due: '2026-11-22' })], [duty({ status: 'due', due: '2026-11-29', days_left: 6, name: '李四' })])
    const { w } = await mountWith(HomeView, b)
    const overdue = w.find('#duties-overdue').text()
    expect(overdue).toContain('张三')
    expect(overdue).toContain('实施办法第二十四条')
    expect(overdue).toContain('逾期3天')
    expect(w.find('#duties-due_this_week').text()).toContain('李四')
    expect(w.find('#duties-due_this_week').text()).not.toContain('张三')
    expect(w.find('#sync-status').text()).toContain('未连接县级中心')
    expect(w.find('#sync-status').text()).toContain('7 项变更等待上报')
    w.unmount()
  })

  it('draws a long list of duties a page at a time and counts them all', async () => {
    const b = fakeBackend()
    const many = Array.from({ length: 45 }, (_, i) =>
      duty({ status: 'overdue', due: '2026-11-22', name: `对象${String(i + 1).padStart(2, '0')}`, subject_id: `s-${i}` }))
    b.homeView = home(many, [])
    const { w } = await mountWith(HomeView, b)
    const names = () => w.findAll('#duties-overdue .el-table__body tr').map((r) => r.text())
    expect(w.find('#count-overdue').text()).toContain('45')
    expect(names()).toHaveLength(20)
    expect(names()[0]).toContain('对象01')
    expect(w.find('#duties-overdue .el-pagination').text()).toContain('45')
    await w.find('#duties-overdue .el-pager li:nth-child(3)').trigger('click')
    await flushPromises()
    expect(names()).toHaveLength(5)
    expect(names()[0]).toContain('对象41')
    expect(w.find('#duties-overdue').text()).not.toContain('最紧急')
    w.unmount()
  })

  it('says when a group lists only its most urgent duties', async () => {
    const b = fakeBackend()
    b.homeView = { ...home([duty({ status: 'overdue', due: '2026-11-22' })], []), overdue_total: 250 }
    const { w } = await mountWith(HomeView, b)
    expect(w.find('#count-overdue').text()).toContain('250')
    expect(w.find('#duties-overdue').text()).toContain('最紧急的 1 项')
    w.unmount()
  })

  it('opens the right form prefilled and saves it for that subject', async () => {
    const b = fakeBackend()
    b.homeView = home([duty({ status: 'overdue', due: '2026-11-22' })], [])
    const { w } = await mountWith(HomeView, b)
    await w.find('#duties-overdue .duty-action').trigger('click')
    await flushPromises()
    const dialog = document.querySelector('#form-report')
    expect(dialog).not.toBeNull()
    ;(document.querySelector('#f-content') as HTMLTextAreaElement).value = '本周在家务农'
    document.querySelector('#f-content')!.dispatchEvent(new Event('input'))
    ;(document.querySelector('#record-save') as HTMLButtonElement).click()
    await flushPromises()
    expect(b.saved).toHaveLength(1)
    const { kind, input } = b.saved[0]
    expect(kind).toBe('report')
    expect(input).toMatchObject({ subject_id: 'subject-1', method: 'phone', report_date: '2026-11-23', received_by: '张所长', content: '本周在家务农' })
    expect(b.calls.filter((c) => c.method === 'home')).toHaveLength(2) // reloaded after saving
    w.unmount()
  })

  it('shows a refusal next to the field it names and keeps the dialog open', async () => {
    const b = fakeBackend()
    b.homeView = home([duty({ status: 'overdue', due: '2026-11-22' })], [])
    const { w } = await mountWith(HomeView, b)
    await w.find('#duties-overdue .duty-action').trigger('click')
    await flushPromises()
    b.failNext('record', { kind: 'invalid', problems: [{ field: 'content', code: 'required', message: '内容：必须填写。' }] })
    ;(document.querySelector('#record-save') as HTMLButtonElement).click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 50))
    const forms = document.querySelectorAll('#form-report')
    expect(forms[forms.length - 1].textContent).toContain('内容：必须填写。')
    expect(b.saved).toHaveLength(0)
    w.unmount()
  })
})
