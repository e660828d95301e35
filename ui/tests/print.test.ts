// Printing from the screens: the right form for the right record, the gap check before a dossier,
// a minor's purpose refused under its field, the certificate check, the ledger export.
import { afterEach, describe, expect, it } from 'vitest'
import LeavesView from '../src/views/LeavesView.vue'
import StatisticsView from '../src/views/StatisticsView.vue'
import DossierDialog from '../src/components/DossierDialog.vue'
import type { LeaveView } from '../src/api/types'
import { fakeBackend, flushPromises, mountWith } from './mount'

const $ = <E extends Element = HTMLElement>(sel: string) => document.querySelector(sel) as E | null
const $$ = (sel: string) => [...document.querySelectorAll(sel)] as HTMLElement[]

function leave(id: string, events: LeaveView['events']): LeaveView {
  return {
    leave: {
      id, subject_id: 'subject-1', applied_on: '2026-11-20', start_date: '2026-12-01', end_date: '2026-12-05', days: 5,
      destination_code: '110105', destination_detail: '北京', reason_kind: 'medical', reason_text: '复查', authority: 'office',
    },
    subject_name: '张三', state: { state: 'returned' }, state_label: '已销假', due_back: '2026-12-05', days_overdue: null, decided_by: 'office', office_decides: false, events,
  }
}
const ev = (kind: string, approve: boolean | null = null) =>
  ({ id: kind, kind, actor_level: 'office', event_date: '2026-11-21', approve, new_end: null, note: null }) as LeaveView['events'][number]

afterEach(() => {
  document.body.innerHTML = ''
})

describe('外出管理 printing', () => {
  it('offers the certificate only once approved and the 销假 record only after return, and prints the chosen one', async () => {
    const b = fakeBackend()
    b.leaves = [leave('l1', [ev('submit')]), leave('l2', [ev('submit'), ev('office_decide', true), ev('return')])]
    await mountWith(LeavesView, b)
    const rows = $$('#leave-list .el-table__body-wrapper tbody > tr.el-table__row')
    const forms = (r: HTMLElement) => [...r.querySelectorAll('.leave-print')].map((e) => e.getAttribute('data-form'))
    expect(forms(rows[0])).toEqual(['leave_approval'])
    expect(forms(rows[1])).toEqual(['leave_approval', 'leave_certificate', 'leave_return'])
    ;(rows[1].querySelector('[data-form="leave_certificate"]') as HTMLElement).click()
    await flushPromises()
    expect(b.calls.find((c) => c.method === 'printForm')?.args).toEqual(['leave_certificate', 'l2'])
    expect($('[data-test="print-path"]')?.textContent).toContain('leave_certificate-l2')
    expect($$('[data-test="print-preview"]').length).toBe(1)
    $<HTMLElement>('[data-test="print-open"]')!.click()
    await flushPromises()
    expect(b.opened).toEqual(['/打印/leave_certificate-l2.pdf'])
  })

  it('saves a copy where the save dialog says (另存为), and nothing when it is cancelled', async () => {
    const b = fakeBackend()
    b.leaves = [leave('l2', [ev('submit'), ev('office_decide', true), ev('return')])]
    await mountWith(LeavesView, b)
    ;(document.querySelector('[data-form="leave_return"]') as HTMLElement).click()
    await flushPromises()
    b.saveAsTarget = null
    $<HTMLElement>('[data-test="print-save-as"]')!.click()
    await flushPromises()
    expect(b.savedAs).toEqual([])
    expect(document.body.textContent).not.toContain('已另存到')
    b.saveAsTarget = '/media/U盘'
    $<HTMLElement>('[data-test="print-save-as"]')!.click()
    await flushPromises()
    expect(b.calls.filter((c) => c.method === 'savePrintedAs').map((c) => c.args)).toEqual([
      ['/打印/leave_return-l2.pdf'],
      ['/打印/leave_return-l2.pdf'],
    ])
    expect(document.body.textContent).toContain('已另存到：/media/U盘/leave_return-l2.pdf')
  })

  it('checks a scanned certificate and shows the verdict', async () => {
    const b = fakeBackend()
    b.certificate = { genuine: false, message: '二维码与本所记录不一致', subject_name: '张三', period: '2026年12月1日至2026年12月5日', destination: '北京', state_label: '已批准' }
    await mountWith(LeavesView, b)
    $<HTMLElement>('#leave-verify')!.click()
    await flushPromises()
    const input = $<HTMLInputElement>('#verify-text')!
    input.value = 'JWT-WCZM:1:x'
    input.dispatchEvent(new Event('input'))
    $<HTMLElement>('#verify-check')!.click()
    await flushPromises()
    expect(b.calls.find((c) => c.method === 'verifyLeaveCertificate')?.args).toEqual(['JWT-WCZM:1:x'])
    expect($('#verify-result')?.textContent).toContain('不一致')
  })
})

describe('卷宗', () => {
  it('lists the gaps first, then shows a minor purpose refusal under its field', async () => {
    const b = fakeBackend()
    b.gaps = [{ section: '接收', message: '缺少矫正方案（《社区矫正法》第二十四条）。' }]
    const { w } = await mountWith(DossierDialog, b, { modelValue: false, subjectId: 's1', minor: true })
    await w.setProps({ modelValue: true })
    await flushPromises()
    expect($('#dossier-gaps')?.textContent).toContain('缺少矫正方案')
    expect($('#dossier-order-source')?.textContent).toContain('默认顺序')
    b.failNext('printDossier', { kind: 'invalid', problems: [{ field: 'purpose', code: 'print.minor_purpose', message: '须注明打印用途' }] })
    $<HTMLElement>('#dossier-print')!.click()
    await flushPromises()
    expect($('#dossier-purpose-error')?.textContent).toContain('须注明打印用途')
    expect(w.emitted('printed')).toBeUndefined()
    const input = $<HTMLInputElement>('#dossier-purpose')!
    input.value = '检察院调阅'
    input.dispatchEvent(new Event('input'))
    $<HTMLElement>('#dossier-print')!.click()
    await flushPromises()
    expect(b.calls.filter((c) => c.method === 'printDossier').slice(-1)[0]?.args).toEqual(['s1', '检察院调阅'])
    expect(w.emitted('printed')?.length).toBe(1)
  })
})

describe('卷内顺序', () => {
  it('shows the county\'s order, and says the county set it', async () => {
    const b = fakeBackend()
    b.order = { set_by_county: true, sections: [...b.order.sections].reverse() }
    const { w } = await mountWith(DossierDialog, b, { modelValue: false, subjectId: 's1', minor: false })
    await w.setProps({ modelValue: true })
    await flushPromises()
    const items = [...document.querySelectorAll('#dossier-order li')].map((li) => li.textContent)
    expect(items[0]).toBe('解除矫正')
    expect(items).toHaveLength(8)
    expect($('#dossier-order-source')?.textContent).toContain('县级社区矫正机构')
  })
})

describe('台账', () => {
  it('exports the shown period as .xlsx', async () => {
    const b = fakeBackend()
    b.statistics = { office: '城关镇司法所', sections: [], identities_ok: true, identity_messages: [] }
    await mountWith(StatisticsView, b)
    $<HTMLElement>('#stat-export')!.click()
    await flushPromises()
    const call = b.calls.find((c) => c.method === 'exportLedgers')
    expect(call?.args[0]).toMatch(/^\d{4}-\d{2}-01$/)
    expect($('#stat-export-folder')).not.toBeNull()
    $<HTMLElement>('#stat-export-save-as')!.click()
    await flushPromises()
    expect(b.savedAs).toEqual([`/打印/台账-${call?.args[0]}至${call?.args[1]}.xlsx`])
  })
})
