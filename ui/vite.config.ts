import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// The desktop shell embeds dist/ (src-tauri/tauri.conf.json); no dev server is needed to run it.
export default defineConfig({
  plugins: [vue()],
  clearScreen: false,
  build: { target: 'safari15', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  test: { environment: 'happy-dom', include: ['tests/**/*.test.ts'] },
})
