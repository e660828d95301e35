// The Backend the screens use, provided once at start (Tauri in the app, a fake in tests).
import { inject, type App, type InjectionKey } from 'vue'
import type { Backend } from '../api/backend'

export const BACKEND: InjectionKey<Backend> = Symbol('backend')

export function provideBackend(app: App, backend: Backend) {
  app.provide(BACKEND, backend)
}

export function useBackend(): Backend {
  const b = inject(BACKEND)
  if (!b) throw new Error('Backend not provided')
  return b
}
