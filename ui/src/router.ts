import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('./views/HomeView.vue') },
  { path: '/subjects', name: 'subjects', component: () => import('./views/SubjectsView.vue') },
  { path: '/subjects/:id', name: 'subject', component: () => import('./views/SubjectDetailView.vue'), props: true },
  { path: '/leaves', name: 'leaves', component: () => import('./views/LeavesView.vue') },
  { path: '/sessions', name: 'sessions', component: () => import('./views/SessionsView.vue') },
  { path: '/statistics', name: 'statistics', component: () => import('./views/StatisticsView.vue') },
  { path: '/sync', name: 'sync', component: () => import('./views/SyncView.vue') },
]

export const router = createRouter({ history: createWebHashHistory(), routes })
