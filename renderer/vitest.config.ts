// The renderer's own unit tests: `npx vitest run --config renderer/vitest.config.ts`.
// (The root vitest config covers common/worker/main/db/test; these run against the renderer's
// sources with the Svelte compiler, for the .svelte.ts stores.)
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [svelte()],
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 2,
  },
});
