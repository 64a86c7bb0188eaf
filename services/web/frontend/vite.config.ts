// Vite build of the Village Counsel pages. `npm run dev` serves them with hot reload and sends
// /api and /auth to the web service of a running `make run` (port 8000), so the origin stays one.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { serviceWorker } from './vite-plugins/serviceWorker'

const backend = 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [vue(), serviceWorker()],
  resolve: { alias: { '@': '/src' } }, // root-relative: Vite resolves it inside this folder
  build: {
    target: 'es2020',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // ECharts in its own long-cached file, loaded only by the pages with charts. Element Plus and
        // Vant are NOT forced into one chunk each: that would keep every component of the library
        // (1 MB); left to Rollup, each page gets only the components it imports.
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          return undefined
        },
      },
    },
  },
  server: { proxy: { '/api': backend, '/auth': backend, '/public': backend } },
})
