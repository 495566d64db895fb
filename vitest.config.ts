import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // the machines have 2 cores; the scheduler tests start their own worker threads
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'engine',
          include: ['common/**/*.test.ts', 'worker/**/*.test.ts', 'main/**/*.test.ts', 'db/**/*.test.ts', 'test/**/*.test.ts'],
          // timings run alone after this (vitest.quiet.config.ts); the SLURM cluster's tests have their own script
          exclude: ['**/node_modules/**', 'test/estimates.test.ts', 'test/cluster/**'],
          // backend calibrations made by tests (and the CLIs they start) stay out of the user's cache
          env: { QUENCH_CALIBRATION: join(tmpdir(), 'quench-test-calibration.json') },
        },
      },
      // the renderer's stores and api client, compiled by the Svelte plugin
      'renderer/vitest.config.ts',
    ],
  },
});
