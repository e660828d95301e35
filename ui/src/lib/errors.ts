// Shows a backend refusal next to the fields it names, and the rest in a message box.
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { toBackendError } from '../api/backend'

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
      if (p.field && (knownFields.length === 0 || knownFields.includes(p.field))) {
        errors[p.field] = errors[p.field] ? `${errors[p.field]}\n${p.message}` : p.message
      } else {
        general.push(p.message)
      }
    }
    if (general.length) ElMessage({ type: 'error', message: general.join('\n'), duration: 8000, showClose: true })
    return err
  }
  return { errors, clear, show }
}

export function showError(e: unknown) {
  const err = toBackendError(e)
  ElMessage({ type: 'error', message: err.message, duration: 8000, showClose: true })
}
