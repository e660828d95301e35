// An in-memory Backend for unit tests of the screens. It keeps what the screens write, records
// every call, and can be told to refuse the next call of a method the way jiaowu-app would
// (`failNext`). It implements no rule: tests feed it the refusals the real rules give.
import { BackendError, type Backend } from './backend'
import type * as T from './types'

export interface Call {
  method: keyof Backend
  args: unknown[]
}

export class MemoryBackend implements Backend {
  calls: Call[] = []
  info: T.AppInfo = { db_path: ':memory:', initialised: true, demo: false, logged_in: false, today: '2026-11-23', version: 'test' }
  options: T.OptionGroup[] = []
  sessionView: T.SessionView | null = null
  subjects: T.SubjectDetail[] = []
  timeline: Record<string, T.TimelineEntry[]> = {}
  leaves: T.LeaveView[] = []
  homeView: T.HomeView | null = null
  assessment: T.LeaveAssessmentView | null = null
  statistics: T.StatisticsView | null = null
  saved: { kind: string; input: Record<string, unknown> }[] = []
  syncState: T.SyncStatusView = {
    enrolled: false, county_name: null, county_url: null, last_sync: null, waiting: 3, needs_attention: 0,
    open_conflicts: 0, clock_skew_ms: null, county_pin_prefix: null, clock_warning: null, leave_delegated: false,
  }
  attention: T.SyncAttentionView = { rejected: [], conflicts: [] }
  gaps: T.DossierGap[] = []
  order: T.DossierOrderView = {
    set_by_county: false,
    sections: [
      { section: 'intake', label: '接收与矫正方案' }, { section: 'reports', label: '报告' },
      { section: 'visits', label: '走访、信息化核查与谈话' }, { section: 'leaves', label: '外出请假销假与执行地变更' },
      { section: 'education', label: '教育学习与公益活动' }, { section: 'help', label: '帮扶' },
      { section: 'assessments', label: '考核与奖惩' }, { section: 'release', label: '解除矫正' },
    ],
  }
  certificate: T.CertificateCheck | null = null
  opened: string[] = []
  /** Where the save dialog "puts" a copy (null: the clerk cancels it). */
  saveAsTarget: string | null = '/media/U盘'
  savedAs: string[] = []
  /** What `syncNow` reports before it answers. */
  progressSteps: T.SyncProgress[] = [{ phase: 'push', done: 3, total: 3 }, { phase: 'pull', done: 2, total: null }]
  private failures = new Map<string, T.AppErrorDto>()

  /** The next call of `method` throws this refusal. */
  failNext(method: keyof Backend, dto: T.AppErrorDto) {
    this.failures.set(method, dto)
  }

  private async run<R>(method: keyof Backend, args: unknown[], f: () => R): Promise<R> {
    this.calls.push({ method, args })
    const fail = this.failures.get(method)
    if (fail) {
      this.failures.delete(method)
      throw new BackendError(fail)
    }
    return f()
  }

  private need<V>(v: V | null | undefined, what: string): V {
    if (v == null) throw new BackendError({ kind: 'not_found', problems: [{ field: '', code: 'fake.missing', message: what }] })
    return v
  }

  appInfo = () => this.run('appInfo', [], () => ({ ...this.info }))
  formOptions = () => this.run('formOptions', [], () => this.options)
  initOffice = (input: T.InitOfficeInput) =>
    this.run('initOffice', [input], () => {
      this.info.initialised = true
      const office = { id: 'o1', name: input.office_name, county_name: input.county_name, division_code: input.division_code, leave_delegated: input.leave_delegated, rule_family: 'national' }
      this.sessionView = { username: input.username, display_name: input.display_name, staff_id: 's1', role: 'head', role_label: '负责人', office }
      return { office, username: input.username, recovery_key: '0000-1111-2222-3333' }
    })
  login = (input: T.LoginInput) => this.run('login', [input], () => this.need(this.sessionView, input.username))
  logout = () => this.run('logout', [], () => undefined)
  session = () => this.run('session', [], () => this.need(this.sessionView, 'session'))
  home = () => this.run('home', [], () => this.need(this.homeView, 'home'))
  listSubjects = (query: string) =>
    this.run('listSubjects', [query], () =>
      this.subjects
        .map((d) => d.summary)
        .filter((s) => !query || s.name.includes(query) || s.name_initials.includes(query.toLowerCase()) || s.id_number_masked.includes(query)),
    )
  getSubject = (id: T.Id) => this.run('getSubject', [id], () => this.need(this.subjects.find((s) => s.subject.id === id), id))
  registerSubject = (input: T.RegisterSubjectInput) =>
    this.run('registerSubject', [input], () => {
      const id = `subject-${this.subjects.length + 1}`
      const detail = {
        subject: { ...(input as object), id } as unknown as T.Subject,
        summary: { id, name: input.name, name_initials: '', sex: '', id_number_masked: input.id_number, sentence_type: input.sentence_type, sentence_type_label: input.sentence_type, class: 'ordinary', class_label: '普管', status: 'in_correction', status_label: '在矫', phase_label: '', term_start: input.term_start, term_end: input.term_end, days_remaining: 0, is_minor_case: false },
      }
      this.subjects.push(detail)
      return detail
    })
  subjectTimeline = (id: T.Id) => this.run('subjectTimeline', [id], () => this.timeline[id] ?? [])
  complianceSummary = (id: T.Id) =>
    this.run('complianceSummary', [id], () => ({ from: '2025-11-24', to: this.info.today, admonitions: 0, warnings: 0, missed_duties: 0, missed_by_kind: [], leave_days: 0 }))
  monthObligations = (query: { month?: string | null; subject_id?: T.Id | null }) =>
    this.run('monthObligations', [query], () => ({ year: 2026, month: 11, today: this.info.today, subjects: [], overdue: 0, shortfall: 0, due: 0, done: 0 }))
  record = (kind: string, input: Record<string, unknown>) =>
    this.run('record', [kind, input], () => {
      this.saved.push({ kind, input })
      return { id: `r${this.saved.length}`, ...input }
    })
  correctRecord = (input: T.CorrectRecordInput) => this.run('correctRecord', [input], () => ({ id: 'c1', supersedes: input.record_id }))
  recordSubjectEvent = (input: Record<string, unknown>) => this.run('recordSubjectEvent', [input], () => ({ id: 'e1', ...input }))
  assessLeave = (form: T.LeaveForm) => this.run('assessLeave', [form], () => this.need(this.assessment, 'assessment'))
  submitLeaveRequest = (form: T.LeaveForm) =>
    this.run('submitLeaveRequest', [form], () => {
      const v: T.LeaveView = {
        leave: { id: `l${this.leaves.length + 1}`, subject_id: form.subject_id, applied_on: form.applied_on ?? this.info.today, start_date: form.start_date, end_date: form.end_date, days: 0, destination_code: form.destination_code, destination_detail: form.destination_detail, reason_kind: form.reason_kind, reason_text: form.reason_text, authority: this.assessment?.authority ?? 'office' },
        subject_name: '', state: { state: 'submitted' }, state_label: '已提交', due_back: form.end_date, days_overdue: null, decided_by: this.assessment?.authority ?? 'office', office_decides: (this.assessment?.authority ?? 'office') === 'office', events: [],
      }
      this.leaves.push(v)
      return v
    })
  recordLeaveStep = (input: T.LeaveStepInput) => this.run('recordLeaveStep', [input], () => this.need(this.leaves.find((l) => l.leave.id === input.leave_id), input.leave_id))
  listLeaves = (subjectId?: T.Id | null) => this.run('listLeaves', [subjectId], () => this.leaves.filter((l) => !subjectId || l.leave.subject_id === subjectId))
  leaveView = (id: T.Id) => this.run('leaveView', [id], () => this.need(this.leaves.find((l) => l.leave.id === id), id))
  recordStudySession = (form: T.StudySessionForm) => this.run('recordStudySession', [form], () => ({ session: form }))
  recordServiceActivity = (form: T.ServiceActivityForm) => this.run('recordServiceActivity', [form], () => ({ activity: form }))
  officeStatistics = (query: T.StatisticsQuery) => this.run('officeStatistics', [query], () => this.need(this.statistics, 'statistics'))
  sanctionAdvice = (query: { subject_id: T.Id; breach?: string | null }) =>
    this.run('sanctionAdvice', [query], () => ({ subject_id: query.subject_id, name: '', suggestion_label: '无', decided_by_label: '', reasons: [] }))
  recordDecision = (input: Record<string, unknown>) => this.run('recordDecision', [input], () => ({ id: 'd1', ...input }))
  addStaff = (input: T.AddStaffInput) => this.run('addStaff', [input], () => ({ staff_id: 's2', ...input }))
  changePassword = (newPassword: string) => this.run('changePassword', [newPassword], () => undefined)
  syncStatus = () => this.run('syncStatus', [], () => ({ ...this.syncState }))
  syncAttention = () => this.run('syncAttention', [], () => this.attention)
  resubmitRejected = (seq: number) => this.run('resubmitRejected', [seq], () => {
    const before = this.attention.rejected.length
    this.attention = { ...this.attention, rejected: this.attention.rejected.filter((r) => r.seq !== seq) }
    const n = before - this.attention.rejected.length
    if (n === 0) throw { kind: 'refused', problems: [{ field: 'seq', code: 'sync.not_rejected', message: '这条记录不在“需要处理”中' }] }
    this.syncState = { ...this.syncState, waiting: this.syncState.waiting + n, needs_attention: this.syncState.needs_attention - n }
    return n
  })
  enrolDevice = (input: T.EnrolInput) =>
    this.run('enrolDevice', [input], () => {
      this.syncState = { ...this.syncState, enrolled: true, county_url: input.url, county_name: '某县社区矫正管理局' }
      return { ...this.syncState }
    })
  syncNow = (onProgress: (p: T.SyncProgress) => void) =>
    this.run('syncNow', [], () => {
      for (const p of this.progressSteps) onProgress(p)
      const pushed = this.syncState.waiting
      this.syncState = { ...this.syncState, waiting: 0, last_sync: '2026-11-23 10:00' }
      return {
        pushed, acknowledged: pushed, rejected: 0, conflicts: 0, pulled: 2,
        applied: { applied: 2, already_held: 0, gated: 0, conflicts: 0 }, repaired_tables: [], round_trips: 2,
        server_time: '2026-11-23T02:00:00Z', clock_skew_ms: 0,
      }
    })
  printForm = (kind: T.FormKind, id: T.Id) => this.run('printForm', [kind, id], () => this.printed(`${kind}-${id}`))
  dossierGaps = (subjectId: T.Id) => this.run('dossierGaps', [subjectId], () => this.gaps)
  dossierOrder = () => this.run('dossierOrder', [], () => this.order)
  printDossier = (subjectId: T.Id, purpose: string | null) => this.run('printDossier', [subjectId, purpose], () => this.printed(`卷宗-${subjectId}`))
  exportLedgers = (from: string, to: string) => this.run('exportLedgers', [from, to], () => ({ path: `/打印/台账-${from}至${to}.xlsx`, bytes: 1234 }))
  verifyLeaveCertificate = (text: string) => this.run('verifyLeaveCertificate', [text], () => this.need(this.certificate, 'certificate'))
  openPrinted = (path: string, folder: boolean) => this.run('openPrinted', [path, folder], () => { this.opened.push(path) })
  savePrintedAs = (path: string) => this.run('savePrintedAs', [path], () => {
    if (this.saveAsTarget === null) return null
    this.savedAs.push(path)
    return { path: `${this.saveAsTarget}/${path.split('/').pop()}`, bytes: 1234 }
  })
  private printed(title: string): T.PrintedView {
    return { title, path: `/打印/${title}.pdf`, pages: 2, missing_glyphs: [], previews: ['data:image/png;base64,AAAA'] }
  }
}
