// DTOs exchanged with jiaowu-app, mirroring the Rust structs (serde snake_case). Dates are ISO
// `YYYY-MM-DD` strings; ids are UUID strings. Only fields the UI reads are listed.

export type Id = string
export type IsoDate = string

/** `AppError` from jiaowu-app: a kind, and one problem per field with a Chinese message. */
export interface Problem {
  field: string
  code: string
  message: string
}
export type ErrorKind = 'invalid' | 'refused' | 'forbidden' | 'auth' | 'not_found' | 'conflict' | 'damaged' | 'internal'
export interface AppErrorDto {
  kind: ErrorKind
  problems: Problem[]
}

export interface Choice {
  value: string
  label: string
}
export interface OptionGroup {
  name: string
  choices: Choice[]
}

export interface AppInfo {
  db_path: string
  initialised: boolean
  demo: boolean
  logged_in: boolean
  today: IsoDate
  version: string
}

export interface Office {
  id: Id
  name: string
  county_name: string
  division_code: string
  leave_delegated: boolean
  rule_family: string
}

export type Role = 'head' | 'staff'

export interface SessionView {
  username: string
  display_name: string
  staff_id: string
  role: Role
  role_label: string
  office: Office
}

export interface InitOfficeInput {
  office_name: string
  county_name: string
  division_code: string
  leave_delegated: boolean
  rule_family?: string | null
  username: string
  display_name: string
  password: string
}

export interface InitOfficeView {
  office: Office
  username: string
  recovery_key: string
}

export interface LoginInput {
  username: string
  password: string
}

export interface SubjectSummary {
  id: Id
  name: string
  name_initials: string
  sex: string
  id_number_masked: string
  sentence_type: string
  sentence_type_label: string
  class: string
  class_label: string
  status: string
  status_label: string
  phase_label: string
  term_start: IsoDate
  term_end: IsoDate
  days_remaining: number
  is_minor_case: boolean
}

/** The stored subject (master data); the detail page shows these fields. */
export interface Subject {
  id: Id
  name: string
  former_name: string | null
  sex: string
  birth_date: IsoDate
  id_number: string
  ethnicity: string | null
  phone: string | null
  residence_code: string
  residence_detail: string
  household_detail: string | null
  employer: string | null
  education: string | null
  crime: string
  original_sentence: string
  sentence_type: string
  term_start: IsoDate
  term_end: IsoDate
  judgment_effective: IsoDate | null
  deciding_organ: string | null
  decision_doc_no: string | null
  injunction: string | null
  reported_on: IsoDate | null
  class: string
  status: string
  is_minor_case: boolean
  medical_parole: boolean
  able_to_work: boolean
  guardian_name: string | null
  guardian_phone: string | null
  notes: string | null
  version: number
  [key: string]: unknown
}

export interface SubjectDetail {
  subject: Subject
  summary: SubjectSummary
}

export type RegisterSubjectInput = Record<string, unknown> & {
  name: string
  id_number: string
  residence_code: string
  residence_detail: string
  crime: string
  original_sentence: string
  sentence_type: string
  term_start: IsoDate
  term_end: IsoDate
}

export interface DateRange {
  start: IsoDate
  end: IsoDate
}

export type ObligationStatus = 'done' | 'done_late' | 'due' | 'overdue' | 'shortfall' | 'exempt'

export interface ObligationView {
  kind: string
  label: string
  window: DateRange
  due: IsoDate
  required: number
  done: number
  unit_label: string
  required_display: string
  done_display: string
  status: ObligationStatus
  status_label: string
  basis: string
  pack_id: string
  prorated: boolean
}

export interface SubjectObligations {
  subject_id: Id
  name: string
  id_number_masked: string
  class_label: string
  sentence_type_label: string
  obligations: ObligationView[]
}

export interface MonthObligations {
  year: number
  month: number
  today: IsoDate
  subjects: SubjectObligations[]
  overdue: number
  shortfall: number
  due: number
  done: number
}

export interface DutyItem {
  subject_id: Id
  name: string
  id_number_masked: string
  obligation: ObligationView
  days_left: number
  /** The form to open: visit, report, talk, it_check, study, service, medical_report, subject_event, release_step. */
  action: string
  prefill: Record<string, unknown>
}

export interface LeaveLine {
  leave_id: Id
  subject_id: Id
  name: string
  start_date: IsoDate
  end_date: IsoDate
  due_back: IsoDate
  days: number
  destination: string
  state_label: string
  days_overdue: number | null
}

export interface PendingItem {
  kind: 'leave' | 'sanction' | 'class_change' | 'travel_permit'
  id: Id
  subject_id: Id
  name: string
  what: string
  since: IsoDate
  waiting_days: number
}

export interface DeadlineClock {
  subject_id: Id
  name: string
  what: string
  deadline: IsoDate | null
  days: number
  basis: string
}

export interface AdviceView {
  subject_id: Id
  name: string
  suggestion_label: string
  decided_by_label: string
  reasons: string[]
}

export interface HomeView {
  today: IsoDate
  year: number
  month: number
  on_register: number
  overdue: DutyItem[]
  due_this_week: DutyItem[]
  due_this_month: DutyItem[]
  /** All open duties of each group; the lists above hold the most urgent 100. */
  overdue_total: number
  due_this_week_total: number
  due_this_month_total: number
  done_this_month: number
  leaves_under_way: LeaveLine[]
  overdue_returns: LeaveLine[]
  awaiting_decision: PendingItem[]
  alerts: AdviceView[]
  clocks: DeadlineClock[]
  sync: { connected: boolean; label: string; pending_ops: number }
}

export interface TimelineEntry {
  kind: string
  kind_label: string
  correctable: boolean
  id: Id
  date: IsoDate
  summary: string
  recorded_by: string
  recorded_at: string
  supersedes: Id | null
  correction_reason: string | null
  superseded_by: Id | null
  data: Record<string, unknown>
}

export interface ComplianceSummary {
  from: IsoDate
  to: IsoDate
  admonitions: number
  warnings: number
  missed_duties: number
  missed_by_kind: [string, number][]
  leave_days: number
}

export interface LeaveForm {
  subject_id: Id
  start_date: IsoDate
  end_date: IsoDate
  applied_on?: IsoDate | null
  destination_code: string
  destination_detail: string
  abroad?: boolean
  destination_contact?: string | null
  reason_kind: string
  reason_text: string
  transport?: string | null
  urgent?: boolean
}

export interface LeaveAssessmentView {
  days: number
  authority: 'office' | 'county' | 'higher'
  authority_label: string
  approver: string
  cumulative_days: number
  cumulative_window: DateRange
  notices: { warning: boolean; message: string }[]
}

export interface LeaveRequest {
  id: Id
  subject_id: Id
  applied_on: IsoDate
  start_date: IsoDate
  end_date: IsoDate
  days: number
  destination_code: string
  destination_detail: string
  reason_kind: string
  reason_text: string
  authority: 'office' | 'county' | 'higher'
}

export interface LeaveEvent {
  id: Id
  kind: string
  actor_level: string
  event_date: IsoDate
  approve: boolean | null
  new_end: IsoDate | null
  note: string | null
}

export interface LeaveState {
  state: string
  [key: string]: unknown
}

export interface LeaveView {
  leave: LeaveRequest
  subject_name: string
  state: LeaveState
  state_label: string
  due_back: IsoDate
  days_overdue: number | null
  /** Who decides or decided it (the county, once the office sent up a leave it was entrusted with). */
  decided_by: 'office' | 'county' | 'higher'
  /** Waiting on the office: may it decide the leave itself (else it signs an opinion for the county)? */
  office_decides: boolean
  events: LeaveEvent[]
}

/** One step of the leave lifecycle (`LeaveStep` in jiaowu-app, tagged by `kind`). */
export type LeaveStep =
  | { kind: 'office_decide'; approve: boolean; reason: string }
  | { kind: 'office_opinion'; text: string }
  | { kind: 'county_decide'; approve: boolean; reason: string; doc_no: string }
  | { kind: 'escalate_to_higher'; doc_no: string }
  | { kind: 'higher_decide'; approve: boolean; reason: string; doc_no: string }
  | { kind: 'issue_certificate' }
  | { kind: 'depart'; date: IsoDate }
  | { kind: 'request_extension'; new_end: IsoDate; reason: string }
  | { kind: 'decide_extension'; approve: boolean; by: 'office' | 'county' | 'higher'; doc_no?: string | null }
  | { kind: 'return'; date: IsoDate; method: string; summary: string }
  | { kind: 'recall'; date: IsoDate; reason: string }
  | { kind: 'cancel'; reason: string }

export interface LeaveStepInput {
  leave_id: Id
  step: LeaveStep
  on?: IsoDate | null
}

export interface AttendanceLine {
  subject_id: Id
  attendance: string
  credited_minutes?: number | null
  note?: string | null
}

export interface StudySessionForm {
  session_date: IsoDate
  start_time?: string | null
  end_time?: string | null
  minutes: number
  place: string
  organiser: string
  speaker?: string | null
  topic: string
  summary?: string | null
  mode: string
  attendance: AttendanceLine[]
}

export interface ParticipationLine {
  subject_id: Id
  credited_minutes?: number | null
  performance?: string | null
  exempt_reason?: string | null
}

export interface ServiceActivityForm {
  activity_date: IsoDate
  start_time?: string | null
  end_time?: string | null
  minutes: number
  place: string
  content: string
  supervisor: string
  participants: ParticipationLine[]
}

export interface CorrectRecordInput {
  kind: string
  record_id: Id
  reason: string
  changes: Record<string, unknown>
}

export interface StatisticsQuery {
  from: IsoDate
  to: IsoDate
}

export interface StatRow {
  label: string
  value: string
}
export interface StatSection {
  title: string
  rows: StatRow[]
}
export interface StatisticsView {
  office: string
  sections: StatSection[]
  identities_ok: boolean
  identity_messages: string[]
}

export interface AddStaffInput {
  username: string
  display_name: string
  password: string
  role: Role
}

// ---- sync with the county (jiaowu-app sync.rs, jiaowu-sync engine.rs) ----

export interface SyncStatusView {
  enrolled: boolean
  county_name: string | null
  county_url: string | null
  /** Beijing time of the last successful sync, as the county's clock had it. */
  last_sync: string | null
  waiting: number
  needs_attention: number
  open_conflicts: number
  clock_skew_ms: number | null
  /** First 16 hex digits of the county certificate's pin, as on the printed enrolment slip. */
  county_pin_prefix: string | null
  clock_warning: string | null
  /** The county entrusts the office with leave of up to 7 days (实施办法 Art 27), as last synced. */
  leave_delegated: boolean
}

export interface RejectedOpView {
  seq: number
  entity: string
  entity_label: string
  entity_id: string
  message: string
}

export interface ConflictField {
  field: string
  label: string
  county_value: string
  office_value: string
}

export interface ConflictView {
  id: string
  entity_label: string
  entity_id: string
  fields: ConflictField[]
  outcome_label: string
  open: boolean
  received_at: string
  resolution_note: string | null
}

export interface SyncAttentionView {
  rejected: RejectedOpView[]
  conflicts: ConflictView[]
}

export interface EnrolInput {
  url: string
  code: string
  device_name: string
}

export interface SyncProgress {
  phase: 'push' | 'pull' | 'repair'
  done: number
  total: number | null
}

export interface SyncReport {
  pushed: number
  acknowledged: number
  rejected: number
  conflicts: number
  pulled: number
  applied: { applied: number; already_held: number; gated: number; conflicts: number }
  repaired_tables: string[]
  round_trips: number
  server_time: string | null
  clock_skew_ms: number | null
}

// 打印 (jiaowu-app printing, src-tauri/src/printing.rs).
export type FormKind =
  | 'basic_info' | 'leave_approval' | 'leave_certificate' | 'leave_return' | 'visit' | 'talk'
  | 'study_sign_in' | 'study_record' | 'service_record' | 'sanction_approval' | 'monthly_assessment'

export interface PrintedView {
  title: string
  path: string
  pages: number
  missing_glyphs: string[]
  previews: string[]
}

export interface SavedView {
  path: string
  bytes: number
}

export interface DossierOrderView {
  sections: { section: string; label: string }[]
  /** The county set it (sync); otherwise domain.md §19's default. */
  set_by_county: boolean
}

export interface DossierGap {
  section: string
  message: string
}

export interface CertificateCheck {
  genuine: boolean
  message: string
  subject_name: string | null
  period: string | null
  destination: string | null
  state_label: string | null
}
