// Shows a backend refusal next to the fields it names, and the rest in a message box or at the
// top of the form.
import { reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { toBackendError } from '../api/backend'

/** Adds a message under a field; a field refused twice shows both messages, one a line. */
function put(errors: Record<string, string>, field: string, message: string) {
  errors[field] = errors[field] ? `${errors[field]}\n${message}` : message
}

export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({})
  function clear() {
    for (const k of Object.keys(errors)) delete errors[k]
  }
  /** Puts each problem under its field; problems of unknown fields are shown as a message. */
  function show(e: unknown, knownFields: string[] = []) {
    clear()
    const err = toBackendError(e)
    const general: string[] = []
    for (const p of err.problems) {
      if (p.field && (knownFields.length === 0 || knownFields.includes(p.field))) put(errors, p.field, p.message)
      else general.push(p.message)
    }
    if (general.length) ElMessage({ type: 'error', message: general.join('\n'), duration: 8000, showClose: true })
    return err
  }
  return { errors, clear, show }
}

/**
 * For forms that list the problems no field of theirs names at their top (`general`) rather than
 * in a message box: those of a field `known` accepts go under it.
 */
export function useProblems(known: (field: string) => boolean) {
  const errors = reactive<Record<string, string>>({})
  const general = ref<string[]>([])
  function clear() {
    for (const k of Object.keys(errors)) delete errors[k]
    general.value = []
  }
  function show(e: unknown) {
    clear()
    for (const p of toBackendError(e).problems) {
      if (p.field && known(p.field)) put(errors, p.field, p.message)
      else general.value.push(p.message)
    }
  }
  return { errors, general, clear, show }
}

export function showError(e: unknown) {
  const err = toBackendError(e)
  ElMessage({ type: 'error', message: err.message, duration: 8000, showClose: true })
}
