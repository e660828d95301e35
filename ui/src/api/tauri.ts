// Backend over Tauri IPC: each method invokes the command of the same name in src-tauri.
// The only module that imports @tauri-apps.
import { Channel, invoke } from '@tauri-apps/api/core'
import type { SyncProgress } from './types'
import { toBackendError, type Backend } from './backend'

async function call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(cmd, args)
  } catch (e) {
    throw toBackendError(e)
  }
}

export const tauriBackend: Backend = {
  appInfo: () => call('app_info'),
  formOptions: () => call('form_options'),
  initOffice: (input) => call('init_office', { input }),
  login: (input) => call('login', { input }),
  logout: () => call('logout'),
  session: () => call('session'),
  home: () => call('home'),
  listSubjects: (query) => call('list_subjects', { query }),
  getSubject: (id) => call('get_subject', { id }),
  registerSubject: (input) => call('register_subject', { input }),
  subjectTimeline: (id) => call('subject_timeline', { id }),
  complianceSummary: (id) => call('compliance_summary', { id }),
  monthObligations: (query) => call('month_obligations', { query }),
  record: (kind, input) => call('record', { kind, input }),
  correctRecord: (input) => call('correct_record', { input }),
  recordSubjectEvent: (input) => call('record_subject_event', { input }),
  assessLeave: (form) => call('assess_leave', { form }),
  submitLeaveRequest: (form) => call('submit_leave_request', { form }),
  recordLeaveStep: (input) => call('record_leave_step', { input }),
  listLeaves: (subjectId) => call('list_leaves', { subjectId: subjectId ?? null }),
  leaveView: (id) => call('leave_view', { id }),
  recordStudySession: (form) => call('record_study_session', { form }),
  recordServiceActivity: (form) => call('record_service_activity', { form }),
  officeStatistics: (query) => call('office_statistics', { query }),
  sanctionAdvice: (query) => call('sanction_advice', { query }),
  recordDecision: (input) => call('record_decision', { input }),
  addStaff: (input) => call('add_staff', { input }),
  changePassword: (newPassword) => call('change_password', { newPassword }),
  syncStatus: () => call('sync_status'),
  syncAttention: () => call('sync_attention'),
  resubmitRejected: (seq) => call('resubmit_rejected', { seq }),
  enrolDevice: (input) => call('enrol_device', { input }),
  syncNow: (onProgress) => {
    const channel = new Channel<SyncProgress>()
    channel.onmessage = onProgress
    return call('sync_now', { onProgress: channel })
  },
  printForm: (kind, id) => call('print_form', { request: { kind, id, preview: true } }),
  dossierGaps: (subjectId) => call('dossier_gaps', { subjectId }),
  dossierOrder: () => call('dossier_order', {}),
  printDossier: (subjectId, purpose) => call('print_dossier', { request: { subject_id: subjectId, purpose, preview: true } }),
  exportLedgers: (from, to) => call('export_ledgers', { request: { from, to } }),
  verifyLeaveCertificate: (text) => call('verify_leave_certificate', { text }),
  openPrinted: (path, folder) => call('open_printed', { path, folder }),
  savePrintedAs: (path) => call('save_printed_as', { path }),
}
