// Vite build of the Village Counsel pages. `npm run dev` serves them with hot reload and sends
// /api and /auth to the web service of a running `make run` (port 8000), so the origin stays one.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const backend = 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@': '/src' } }, // root-relative: Vite resolves it inside this folder
  build: {
    target: 'es2020',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // the big libraries in their own long-cached files, loaded only by the pages that use them
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus')) return 'element-plus'
          if (id.includes('node_modules/vant')) return 'vant'
          return undefined
        },
      },
    },
  },
  server: { proxy: { '/api': backend, '/auth': backend, '/public': backend } },
})
