import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { router } from './router'
import { provideBackend } from './lib/backend'
import { tauriBackend } from './api/tauri'
import './style.css'

const app = createApp(App)
provideBackend(app, tauriBackend)
app.use(ElementPlus).use(router).mount('#app')
