import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { restore } from './auth/session'
import './styles.css'

restore()
createApp(App).use(router).mount('#app')

// The app shell for use without signal (dist/sw.js, built output only: see vite-plugins/serviceWorker.ts)
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js').catch(() => undefined))
}
