import { createApp } from 'vue'
import { vLoading } from 'element-plus'
// Base variables and the styles of what scripts call directly (components bring their own).
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/loading/style/css'
import App from './App.vue'
import { router } from './router'
import { provideBackend } from './lib/backend'
import { tauriBackend } from './api/tauri'
import './style.css'

const app = createApp(App)
provideBackend(app, tauriBackend)
app.directive('loading', vLoading)
app.use(router).mount('#app')
