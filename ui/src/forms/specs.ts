// What each record form asks for. Field names are the jiaowu-app input fields; checks and
// messages come from the backend when the form is saved (no rule is re-implemented here).
export type FieldType = 'date' | 'time' | 'text' | 'textarea' | 'select' | 'bool' | 'list' | 'number' | 'datetime'

export interface FieldSpec {
  name: string
  type: FieldType
  /** Option group for selects (served by the backend with labels). */
  group?: string
  required?: boolean
  /** Default value; '$today' is replaced by today's date, '$me' by the user's name. */
  default?: unknown
}

const today = '$today'
const me = '$me'
const f = (name: string, type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, type, ...extra })
const req = { required: true }

export const SPECS: Record<string, FieldSpec[]> = {
  visit: [
    f('visit_date', 'date', { ...req, default: today }),
    f('place_type', 'select', { group: 'place_type', ...req, default: 'home' }),
    f('method', 'select', { group: 'contact_method', ...req, default: 'in_person' }),
    f('address', 'text', req),
    f('visitors', 'list', { ...req, default: me }),
    f('subject_present', 'bool', { default: true }),
    f('findings', 'textarea', req),
    f('problems', 'textarea'),
    f('follow_up', 'textarea'),
  ],
  report: [
    f('report_date', 'date', { ...req, default: today }),
    f('method', 'select', { group: 'report_method', ...req, default: 'phone' }),
    f('received_by', 'text', { ...req, default: me }),
    f('content', 'textarea', req),
    f('anomalies', 'textarea'),
    f('follow_up', 'textarea'),
  ],
  it_check: [
    f('check_date', 'date', { ...req, default: today }),
    f('method', 'select', { group: 'it_check_method', ...req, default: 'app_checkin' }),
    f('result', 'select', { group: 'it_check_result', ...req, default: 'normal' }),
    f('anomalies', 'textarea'),
    f('device_id', 'text'),
  ],
  talk: [
    f('talk_date', 'date', { ...req, default: today }),
    f('place', 'text', { ...req, default: '司法所' }),
    f('talk_type', 'select', { group: 'talk_type', ...req, default: 'routine' }),
    f('talkers', 'list', { ...req, default: me }),
    f('note_taker', 'text'),
    f('content', 'textarea', req),
    f('problems', 'textarea'),
    f('follow_up', 'textarea'),
  ],
  medical_report: [
    f('report_date', 'date', { ...req, default: today }),
    f('kind', 'select', { group: 'medical_report_kind', ...req, default: 'reexamination' }),
    f('hospital', 'text'),
    f('result', 'textarea', req),
  ],
  team_member: [
    f('member_name', 'text', req),
    f('relation', 'text', req),
    f('sex', 'select', { group: 'sex', ...req, default: 'male' }),
    f('unit', 'text'),
    f('phone', 'text'),
    f('is_leader', 'bool', { default: false }),
    f('joined_on', 'date', { ...req, default: today }),
  ],
  correction_plan: [
    f('plan_version', 'number', { ...req, default: 1 }),
    f('effective_from', 'date', { ...req, default: today }),
    f('basic_info', 'textarea', req),
    f('assessment', 'textarea', req),
    f('psychology', 'textarea', req),
    f('measures', 'textarea', req),
    f('adjustment_reason', 'textarea'),
  ],
  assessment: [
    f('period_start', 'date', req),
    f('period_end', 'date', { ...req, default: today }),
    f('grade', 'select', { group: 'grade', ...req, default: 'pass' }),
    f('score', 'number'),
    f('items', 'textarea', req),
    f('reviewer', 'text', { ...req, default: me }),
  ],
  release_step: [
    f('kind', 'select', { group: 'release_step_kind', ...req, default: 'personal_summary' }),
    f('done_on', 'date', { ...req, default: today }),
    f('content', 'textarea', req),
  ],
  ledger_entry: [
    f('entry_date', 'date', { ...req, default: today }),
    f('theme', 'select', { group: 'ledger_theme', ...req, default: 'ledger' }),
    f('violation_kind', 'select', { group: 'violation_kind', ...req, default: 'other' }),
    f('cost_kind', 'select', { group: 'cost_kind', ...req, default: 'freedom' }),
    f('content', 'textarea', req),
    f('reflection', 'textarea'),
  ],
  counselling: [
    f('session_date', 'date', { ...req, default: today }),
    f('kind', 'select', { group: 'counselling_kind', ...req, default: 'psychological' }),
    f('counsellor', 'text', { ...req, default: me }),
    f('summary', 'textarea', req),
    f('follow_up', 'textarea'),
  ],
  help: [
    f('help_date', 'date', { ...req, default: today }),
    f('kind', 'select', { group: 'help_kind', ...req, default: 'employment' }),
    f('content', 'textarea', req),
    f('outcome', 'textarea'),
  ],
  sanction: [
    f('kind', 'select', { group: 'sanction_kind', ...req, default: 'admonition' }),
    f('proposed_on', 'date', { ...req, default: today }),
    f('facts', 'textarea', req),
    f('evidence', 'textarea'),
    f('legal_basis', 'text', req),
    f('office_opinion', 'textarea'),
  ],
  class_change: [
    f('old_class', 'select', { group: 'class', ...req }),
    f('new_class', 'select', { group: 'class', ...req }),
    f('proposed_on', 'date', { ...req, default: today }),
    f('reason', 'textarea', req),
    f('office_opinion', 'textarea'),
  ],
  place_change: [
    f('applied_on', 'date', { ...req, default: today }),
    f('new_residence_code', 'text', req),
    f('new_residence_detail', 'text', req),
    f('reason', 'textarea', req),
    f('office_opinion', 'textarea'),
  ],
  travel_permit: [
    f('kind', 'select', { group: 'permit_kind', ...req, default: 'business_travel' }),
    f('business_name', 'text'),
    f('destinations', 'text', req),
    f('reason', 'textarea', req),
    f('frequency', 'text', req),
    f('applied_on', 'date', { ...req, default: today }),
    f('valid_from', 'date', req),
    f('valid_to', 'date', req),
  ],
  travel_trip: [
    f('permit_id', 'text', req),
    f('trip_start', 'date', req),
    f('trip_end', 'date', req),
    f('destination', 'text', req),
    f('reported_via', 'text', { ...req, default: '电话' }),
  ],
  lost_contact_episode: [f('started_on', 'date', { ...req, default: today }), f('last_contact_on', 'date')],
  lost_contact_step: [
    f('episode_id', 'text', req),
    f('kind', 'select', { group: 'lost_contact_step_kind', ...req, default: 'search' }),
    f('step_at', 'datetime', req),
    f('method', 'text'),
    f('result', 'textarea', req),
  ],
  subject_event: [
    f('kind', 'select', { group: 'subject_event_kind', ...req, default: 'reported' }),
    f('event_date', 'date', { ...req, default: today }),
    f('doc_no', 'text'),
    f('organ', 'text'),
    f('detail', 'textarea'),
  ],
}

/** Initial values of a form: defaults, then the prefill (e.g. from a home-page duty). */
export function initialValues(
  kind: string,
  ctx: { today: string; me: string },
  prefill: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const s of SPECS[kind] ?? []) {
    let v = s.default
    if (v === '$today') v = ctx.today
    if (v === '$me') v = ctx.me
    if (v === undefined) v = s.type === 'bool' ? false : s.type === 'number' ? null : ''
    out[s.name] = v
  }
  return { ...out, ...prefill }
}

/** The JSON the backend expects: lists split on commas, empty optional text as null. */
export function toInput(kind: string, subjectId: string, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { subject_id: subjectId }
  for (const s of SPECS[kind] ?? []) {
    const v = values[s.name]
    if (s.type === 'list') {
      out[s.name] = String(v ?? '')
        .split(/[,，、;；]/)
        .map((x) => x.trim())
        .filter(Boolean)
    } else if (s.type === 'bool') {
      out[s.name] = Boolean(v)
    } else if (s.type === 'number') {
      out[s.name] = v === '' || v == null ? null : Number(v)
    } else if (s.type === 'datetime') {
      // Entered as Beijing local time; stored as an instant.
      out[s.name] = v ? new Date(`${String(v).replace(' ', 'T')}+08:00`).toISOString() : null
    } else {
      out[s.name] = v === '' || v == null ? (s.required ? '' : null) : v
    }
  }
  // Forms with list fields the UI does not edit yet.
  if (kind === 'visit') out.interviewees = values.interviewees ?? []
  return out
}
