/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { serviceWorker } from './scripts/sw-plugin.ts';

export default defineConfig({
  // Preact's automatic JSX runtime; no Babel preset needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // dist/sw.js: src/sw.js with the build's files to precache (scripts/sw-plugin.ts).
  plugins: [serviceWorker()],
  build: {
    target: 'es2020',
    sourcemap: false,
    chunkSizeWarningLimit: 200,
  },
  server: {
    proxy: {
      '/graphql': { target: process.env.MUSRENBANG_API ?? 'http://127.0.0.1:8080', ws: true },
      '/export': { target: process.env.MUSRENBANG_API ?? 'http://127.0.0.1:8080' },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
  },
});
