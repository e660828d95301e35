import { afterEach, describe, expect, it } from 'vitest'
import SyncView from '../src/views/SyncView.vue'
import { state } from '../src/lib/session'
import { fakeBackend, flushPromises, mountWith } from './mount'

const $ = <E extends Element = HTMLElement>(sel: string) => document.querySelector(sel) as E | null

async function type(sel: string, value: string) {
  const input = $<HTMLInputElement>(sel)!
  input.value = value
  input.dispatchEvent(new Event('input'))
  await flushPromises()
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('与县级同步', () => {
  it('enrols with the county code and shows a refusal next to the code', async () => {
    const b = fakeBackend()
    await mountWith(SyncView, b)
    expect($('#enrol-card')).not.toBeNull()
    await type('#enrol-url', 'https://sqjz.example.gov.cn')
    await type('#enrol-code', '7k3m-q9rt-2wxa')
    b.failNext('enrolDevice', {
      kind: 'refused',
      problems: [{ field: 'code', code: 'sync.enrol_code_expired', message: '登记码已超过72小时有效期，请向县级机构重新申请。' }],
    })
    $<HTMLButtonElement>('#enrol-submit')!.click()
    await flushPromises()
    expect($('#err-code')!.textContent).toContain('登记码已超过72小时有效期')
    expect($('#enrol-card')).not.toBeNull()
    $<HTMLButtonElement>('#enrol-submit')!.click()
    await flushPromises()
    const call = b.calls.filter((c) => c.method === 'enrolDevice').pop()!
    expect(call.args[0]).toEqual({ url: 'https://sqjz.example.gov.cn', code: '7k3m-q9rt-2wxa', device_name: '办公室电脑' })
    expect($('#enrol-card')).toBeNull()
    expect($('#sync-status')!.textContent).toContain('某县社区矫正管理局')
  })

  it('staff other than the head cannot enrol', async () => {
    const b = fakeBackend()
    state.session = { ...b.sessionView!, role: 'staff', role_label: '工作人员' }
    await mountWith(SyncView, b)
    expect($<HTMLButtonElement>('#enrol-submit')!.disabled).toBe(true)
    expect(document.body.textContent).toContain('只有负责人可以登记本机')
  })

  it('syncs on the button, shows how far it got and what waits afterwards', async () => {
    const b = fakeBackend()
    b.syncState = { ...b.syncState, enrolled: true, county_name: '某县社区矫正管理局', waiting: 3 }
    const seen: string[] = []
    b.progressSteps = [{ phase: 'push', done: 1, total: 3 }, { phase: 'push', done: 3, total: 3 }, { phase: 'pull', done: 7, total: null }]
    await mountWith(SyncView, b)
    expect($('#sync-waiting')!.textContent).toBe('3')
    const original = b.syncNow
    b.syncNow = (on) => original((p) => {
      on(p)
      seen.push(p.phase)
    })
    $<HTMLButtonElement>('#sync-now')!.click()
    await flushPromises()
    expect(seen).toEqual(['push', 'push', 'pull'])
    expect($('#sync-result')!.textContent).toContain('上报 3 条')
    expect($('#sync-waiting')!.textContent).toBe('0')
    expect($('#sync-last')!.textContent).toBe('2026-11-23 10:00')
  })

  it('lists what the county refused and both values of a conflict side by side', async () => {
    const b = fakeBackend()
    b.syncState = { ...b.syncState, enrolled: true, needs_attention: 1, open_conflicts: 1, county_pin_prefix: '9f3a0c11d2e45b70',
      clock_skew_ms: -63_072_000_000, clock_warning: '本机时钟比县级平台慢约730天，请校准电脑日期时间。', leave_delegated: true }
    b.attention = {
      rejected: [{ seq: 41, entity: 'visits', entity_label: '走访记录', entity_id: 'v1', message: '该对象不属于本所在册对象，县级平台未接受。' }],
      conflicts: [{
        id: 'c1', entity_label: '对象基本信息', entity_id: 's1', outcome_label: '以县级登记为准，本所的修改已留存待核',
        open: true, received_at: '2026-11-23 16:15', resolution_note: null,
        fields: [{ field: 'class', label: '管理类别', county_value: 'strict', office_value: 'ordinary' }],
      }],
    }
    await mountWith(SyncView, b)
    expect($('#rejected-list')!.textContent).toContain('不属于本所在册对象')
    const conflict = $('.conflict')!.textContent!
    expect(conflict).toContain('县级的值')
    expect(conflict).toContain('strict')
    expect(conflict).toContain('ordinary')
    expect($('#clock-warning')!.textContent).toContain('慢约730天')
    expect($('#sync-pin')!.textContent).toBe('9f3a0c11d2e45b70')
    expect($('#sync-status')!.textContent).toContain('慢约730天')
    // The county's word on 7-day leave, as last synced (实施办法 Art 27).
    expect($('#sync-delegation')!.textContent).toContain('县级已委托本所审批')
  })

  it('resubmits a refused record: it leaves 需要处理 and waits for the next sync', async () => {
    const b = fakeBackend()
    b.syncState = { ...b.syncState, enrolled: true, waiting: 0, needs_attention: 2 }
    b.attention = {
      rejected: [
        { seq: 41, entity: 'leave_events', entity_label: '外出审批', entity_id: 'e1', message: '县级尚未委托本所审批7日以内的外出。' },
        { seq: 44, entity: 'visits', entity_label: '走访记录', entity_id: 'v1', message: '该对象不属于本所在册对象。' },
      ],
      conflicts: [],
    }
    await mountWith(SyncView, b)
    expect($('#sync-attention')!.textContent).toBe('2')
    $<HTMLElement>('.resubmit[data-seq="41"]')!.click()
    await flushPromises()
    expect(b.calls.filter((c) => c.method === 'resubmitRejected').map((c) => c.args)).toEqual([[41]])
    expect(document.body.textContent).toContain('已重新提交，下次同步时上报')
    const list = $('#rejected-list')!.textContent!
    expect(list).not.toContain('7日以内')
    expect(list).toContain('不属于本所在册对象')
    expect($('#sync-attention')!.textContent).toBe('1')
  })
})
