// Placeholder until the renderer lands: the build script needs a config to exist.
import { defineConfig } from 'vite';
export default defineConfig({ root: 'renderer', build: { outDir: '../dist/renderer', emptyOutDir: true } });
