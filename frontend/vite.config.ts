/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

export default defineConfig({
  // Preact's automatic JSX runtime; no Babel preset needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
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
  },
});
