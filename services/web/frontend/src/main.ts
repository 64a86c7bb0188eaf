import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { restore } from './auth/session'
import './styles.css'

restore()
createApp(App).use(router).mount('#app')
