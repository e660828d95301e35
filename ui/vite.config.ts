import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The desktop shell embeds dist/ (src-tauri/tauri.conf.json); no dev server is needed to run it.
// Element Plus components are imported where templates use them (with their CSS), so the first
// screen loads only what it draws: part of the cold-start figure (tests/src/bin/cold_start.rs).
export default defineConfig({
  // Tests install the whole library instead (tests/mount.ts): Node cannot import the CSS files.
  plugins: [
    vue(),
    ...(process.env.VITEST ? [] : [Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false })]),
  ],
  clearScreen: false,
  build: { target: 'safari15', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  test: { environment: 'happy-dom', include: ['tests/**/*.test.ts'] },
})
