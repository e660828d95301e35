// One attendance sheet of 集中教育学习 or 公益活动: the session's fields, a row per subject with a
// checkbox, and the minutes credited to each checked subject. One save sends the session and all
// its lines (jiaowu-app commits them in one transaction). What differs between the two forms (the
// fields, a row's own columns, who is credited) is given by the caller.
import { computed, reactive, ref, watch, type ComputedRef, type Ref } from 'vue'
import type { SubjectSummary } from '../api/types'
import { useProblems } from './errors'

/** The fields both forms have: the times and the duration, which follows them. */
export interface TimeFields { start_time: string; end_time: string; minutes: number }

/** One subject's line. `credited` is minutes; null means "the default" (see `minutesOf`). */
export interface SheetRow { s: SubjectSummary; checked: boolean; credited: number | null }

export const toHours = (m: number) => Math.round((m / 60) * 100) / 100

export function useSheet<F extends TimeFields, E extends object>(opts: {
  /** The form's fields, blank. */
  fresh: () => F
  /** The fields a refusal may name to be shown under them; other problems go to `general`. */
  fields: string[]
  /** The subjects listed, one row each. */
  subjects: () => SubjectSummary[]
  /** A new row's own columns. */
  extra: () => E
  /** Whether a checked row is credited the whole session unless its hours are typed in. */
  credits: (r: SheetRow & E) => boolean
}) {
  type Row = SheetRow & E
  const form = reactive(opts.fresh())
  const rows = ref([]) as Ref<Row[]>
  const { errors, general, clear, show } = useProblems((f) => opts.fields.includes(f))
  const busy = ref(false)
  const checked = computed(() => rows.value.filter((r) => r.checked))
  const allChecked = computed(() => rows.value.length > 0 && checked.value.length === rows.value.length)
  const someChecked = computed(() => checked.value.length > 0 && checked.value.length < rows.value.length)

  function reset() {
    Object.assign(form, opts.fresh())
    rows.value = opts.subjects().map((s) => ({ s, checked: false, credited: null, ...opts.extra() }))
    clear()
  }
  function selectAll(on: boolean) {
    rows.value.forEach((r) => (r.checked = on))
  }
  /** Minutes credited to a line: what the user typed, else the whole session if `credits` says so. */
  function minutesOf(r: Row): number {
    return r.credited ?? (opts.credits(r) ? form.minutes : 0)
  }
  function setHours(r: Row, hours: number | null | undefined) {
    r.credited = Math.round((hours ?? 0) * 60)
  }
  /** Sends the checked lines; once saved the sheet is cleared for the next session, if refused kept for fixing. */
  async function save(send: (lines: Row[]) => Promise<void>) {
    if (busy.value) return
    busy.value = true
    try {
      await send(checked.value)
      reset()
    } catch (e) {
      show(e)
    } finally {
      busy.value = false
    }
  }

  // The duration follows the times when both are given, so the hours credited match the sheet.
  watch(() => [form.start_time, form.end_time], ([a, b]) => {
    const mins = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))
    if (a && b && mins(b) > mins(a)) form.minutes = mins(b) - mins(a)
  })

  return { form, rows, errors, general, busy, checked, allChecked, someChecked, credits: opts.credits, reset, show,
    selectAll, minutesOf, setHours, save }
}

/** What SubjectSheet.vue shows and changes of either sheet. */
export interface SheetTable {
  form: { minutes: number }
  rows: Ref<SheetRow[]>
  checked: ComputedRef<SheetRow[]>
  allChecked: ComputedRef<boolean>
  someChecked: ComputedRef<boolean>
  errors: Record<string, string>
  credits(r: SheetRow): boolean
  selectAll(on: boolean): void
  minutesOf(r: SheetRow): number
  setHours(r: SheetRow, hours: number | null | undefined): void
}
