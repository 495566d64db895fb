// The renderer: a Svelte 5 app built into dist/renderer, loaded by the Electron window (file://,
// hence relative asset paths) and served by `quench serve` at its origin root.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// gpu.js is an optional dependency: without it the GPU host page is built on a stand-in that says so
function gpuJsInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('gpu.js');
    return true;
  } catch {
    return false;
  }
}

export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
  resolve: gpuJsInstalled() ? {} : { alias: { 'gpu.js': fileURLToPath(new URL('./src/gpu-host/no-gpujs.ts', import.meta.url)) } },
  build: {
    // the app, and the GPU host page (a hidden window of the desktop app, or a tab on `quench serve`)
    rollupOptions: { input: { index: fileURLToPath(new URL('./index.html', import.meta.url)), 'gpu-host': fileURLToPath(new URL('./gpu-host.html', import.meta.url)) } },
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1000,
  },
  server: { host: '127.0.0.1', fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
