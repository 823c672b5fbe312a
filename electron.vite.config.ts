// Desktop build (npm start / npm run dev / npm run dist): main, the engine's utility process (imported by
// main with ?modulePath), the sandboxed preload (CommonJS) and the renderer, into out/.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const r = (p: string) => resolve(import.meta.dirname, p);

export default defineConfig({
  main: {
    build: { outDir: r('out/main'), rollupOptions: { input: { main: r('electron/main.ts') } } },
  },
  preload: {
    build: {
      outDir: r('out/preload'),
      lib: { entry: r('electron/preload.ts') },
      // A sandboxed preload can require only 'electron': bundle everything else, as CommonJS.
      externalizeDeps: false,
      rollupOptions: { external: ['electron'], output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: r('renderer'),
    base: './',
    build: {
      outDir: r('out/renderer'),
      target: 'es2022',
      rollupOptions: { input: r('renderer/index.html') },
    },
    worker: { format: 'es' },
    plugins: [svelte({ configFile: r('svelte.config.js') })],
  },
});
