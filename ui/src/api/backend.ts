// The one interface the screens talk to. The desktop implements it over Tauri IPC (tauri.ts),
// unit tests over an in-memory fake (memory.ts); a county console could implement it over HTTP.
// One method per jiaowu-app use case; every failure is thrown as `BackendError`.
import type * as T from './types'

export interface Backend {
  appInfo(): Promise<T.AppInfo>
  formOptions(): Promise<T.OptionGroup[]>
  initOffice(input: T.InitOfficeInput): Promise<T.InitOfficeView>
  login(input: T.LoginInput): Promise<T.SessionView>
  logout(): Promise<void>
  session(): Promise<T.SessionView>
  home(): Promise<T.HomeView>
  listSubjects(query: string): Promise<T.SubjectSummary[]>
  getSubject(id: T.Id): Promise<T.SubjectDetail>
  registerSubject(input: T.RegisterSubjectInput): Promise<T.SubjectDetail>
  subjectTimeline(id: T.Id): Promise<T.TimelineEntry[]>
  complianceSummary(id: T.Id): Promise<T.ComplianceSummary>
  monthObligations(query: { month?: string | null; subject_id?: T.Id | null }): Promise<T.MonthObligations>
  /** Any record kind from its form (visit, report, talk, it_check, ledger_entry …). */
  record(kind: string, input: Record<string, unknown>): Promise<Record<string, unknown>>
  correctRecord(input: T.CorrectRecordInput): Promise<Record<string, unknown>>
  recordSubjectEvent(input: Record<string, unknown>): Promise<Record<string, unknown>>
  assessLeave(form: T.LeaveForm): Promise<T.LeaveAssessmentView>
  submitLeaveRequest(form: T.LeaveForm): Promise<T.LeaveView>
  recordLeaveStep(input: T.LeaveStepInput): Promise<T.LeaveView>
  listLeaves(subjectId?: T.Id | null): Promise<T.LeaveView[]>
  leaveView(id: T.Id): Promise<T.LeaveView>
  recordStudySession(form: T.StudySessionForm): Promise<unknown>
  recordServiceActivity(form: T.ServiceActivityForm): Promise<unknown>
  officeStatistics(query: T.StatisticsQuery): Promise<T.StatisticsView>
  sanctionAdvice(query: { subject_id: T.Id; breach?: string | null }): Promise<T.AdviceView>
  recordDecision(input: Record<string, unknown>): Promise<Record<string, unknown>>
  addStaff(input: T.AddStaffInput): Promise<unknown>
  changePassword(newPassword: string): Promise<void>
  syncStatus(): Promise<T.SyncStatusView>
  syncAttention(): Promise<T.SyncAttentionView>
  /** 重新提交 a refused op (and the refused ops that wait on it); how many were queued. */
  resubmitRejected(seq: number): Promise<number>
  enrolDevice(input: T.EnrolInput): Promise<T.SyncStatusView>
  /** Pushes and pulls once; `onProgress` hears how far it is. */
  syncNow(onProgress: (p: T.SyncProgress) => void): Promise<T.SyncReport>
  /** One official form of a record (or of a subject: basic_info), saved in the print folder. */
  printForm(kind: T.FormKind, id: T.Id): Promise<T.PrintedView>
  dossierGaps(subjectId: T.Id): Promise<T.DossierGap[]>
  dossierOrder(): Promise<T.DossierOrderView>
  printDossier(subjectId: T.Id, purpose: string | null): Promise<T.PrintedView>
  exportLedgers(from: string, to: string): Promise<T.SavedView>
  verifyLeaveCertificate(text: string): Promise<T.CertificateCheck>
  /** Opens a printed file in the PC's PDF reader (to print), or its folder. */
  openPrinted(path: string, folder: boolean): Promise<void>
  /** 另存为: the PC's save dialog copies a printed file elsewhere; null when cancelled. */
  savePrintedAs(path: string): Promise<T.SavedView | null>
}

/** A refusal or failure from the backend, with the per-field Chinese messages. */
export class BackendError extends Error {
  readonly kind: T.ErrorKind
  readonly problems: T.Problem[]
  constructor(dto: T.AppErrorDto) {
    super(dto.problems.map((p) => p.message).join('\n'))
    this.name = 'BackendError'
    this.kind = dto.kind
    this.problems = dto.problems
  }
  /** Messages by input field ('' for the whole request), for showing next to each field. */
  byField(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const p of this.problems) out[p.field] = out[p.field] ? `${out[p.field]}\n${p.message}` : p.message
    return out
  }
}

/** Turns whatever the transport threw into a `BackendError`. */
export function toBackendError(e: unknown): BackendError {
  if (e instanceof BackendError) return e
  if (e && typeof e === 'object' && 'problems' in e && 'kind' in e) return new BackendError(e as T.AppErrorDto)
  const message = e instanceof Error ? e.message : String(e)
  return new BackendError({ kind: 'internal', problems: [{ field: '', code: 'transport', message }] })
}
