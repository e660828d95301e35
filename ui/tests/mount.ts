// Mounts a screen with Element Plus, a memory router and a MemoryBackend, as main.ts does.
import { mount, flushPromises } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Component } from 'vue'
import { BACKEND } from '../src/lib/backend'
import { MemoryBackend } from '../src/api/memory'
import { routes } from '../src/router'
import { state } from '../src/lib/session'

export const OPTIONS = [
  { name: 'report_method', choices: [{ value: 'phone', label: '电话报告' }, { value: 'in_person', label: '当面报告' }] },
  { name: 'place_type', choices: [{ value: 'home', label: '家庭' }] },
  { name: 'contact_method', choices: [{ value: 'in_person', label: '实地' }] },
  { name: 'leave_reason', choices: [{ value: 'medical', label: '就医' }] },
  { name: 'attendance', choices: [{ value: 'present', label: '出席' }, { value: 'absent_ill', label: '因病缺席' }] },
  { name: 'study_mode', choices: [{ value: 'in_person', label: '集中面授' }] },
  { name: 'sentence_type', choices: [{ value: 'probation', label: '缓刑' }] },
  { name: 'class', choices: [{ value: 'ordinary', label: '普管' }] },
]

export function fakeBackend(): MemoryBackend {
  const b = new MemoryBackend()
  b.options = OPTIONS
  b.sessionView = {
    username: 'zhang', display_name: '张所长', staff_id: 's1', role: 'head', role_label: '负责人',
    office: { id: 'o1', name: '城关镇司法所', county_name: '某县', division_code: '130123', leave_delegated: true, rule_family: 'national' },
  }
  state.info = { ...b.info, logged_in: true }
  state.session = b.sessionView
  state.options = OPTIONS
  state.locked = false
  return b
}

export async function mountWith(component: Component, backend: MemoryBackend, props: Record<string, unknown> = {}) {
  const router = createRouter({ history: createMemoryHistory(), routes })
  await router.push('/')
  await router.isReady()
  const w = mount(component, {
    props,
    attachTo: document.body,
    global: { plugins: [ElementPlus, router], provide: { [BACKEND as symbol]: backend }, stubs: { transition: false, 'transition-group': false } },
  })
  await flushPromises()
  return { w, router }
}

export { flushPromises }
