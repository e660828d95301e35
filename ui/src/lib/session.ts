// Who is logged in, the app's facts, and the idle lock. Locking closes the store in the backend
// (the key leaves memory) but keeps the screens mounted, so a half-filled form survives.
import { reactive } from 'vue'
import type { Backend } from '../api/backend'
import type { AppInfo, OptionGroup, SessionView } from '../api/types'

export const IDLE_LOCK_MINUTES = 10

export const state = reactive({
  info: null as AppInfo | null,
  session: null as SessionView | null,
  options: [] as OptionGroup[],
  locked: false,
})

export async function loadInfo(backend: Backend) {
  state.info = await backend.appInfo()
  if (state.options.length === 0) state.options = await backend.formOptions()
}

export function isHead(): boolean {
  return state.session?.role === 'head'
}

export async function lock(backend: Backend) {
  if (!state.session) return
  await backend.logout()
  state.locked = true
}

export async function switchUser(backend: Backend) {
  await backend.logout()
  state.session = null
  state.locked = false
}

/** Locks after `minutes` without keyboard or mouse activity. Returns a stop function. */
export function startIdleLock(onIdle: () => void, minutes = IDLE_LOCK_MINUTES, target: Window = window): () => void {
  let last = Date.now()
  const touch = () => {
    last = Date.now()
  }
  const events = ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart']
  events.forEach((e) => target.addEventListener(e, touch, { passive: true }))
  const timer = setInterval(() => {
    if (Date.now() - last >= minutes * 60_000) {
      last = Date.now()
      onIdle()
    }
  }, 15_000)
  return () => {
    clearInterval(timer)
    events.forEach((e) => target.removeEventListener(e, touch))
  }
}
