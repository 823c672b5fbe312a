// Browser build of the renderer (npm run build:web / npm run web / the Chromium end-to-end tests).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const r = (p: string) => resolve(import.meta.dirname, p);

/** Headers that make the page cross-origin isolated (everything it loads is its own). */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: r('renderer'),
  base: './',
  plugins: [svelte({ configFile: r('svelte.config.js') })],
  worker: { format: 'es' },
  build: { outDir: r('out/web'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 },
  // Cross-origin isolation gives the engine's worker shared memory, so large networks train on two cores.
  server: { host: '127.0.0.1', port: 5173, strictPort: true, headers: ISOLATION },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: ISOLATION },
});
