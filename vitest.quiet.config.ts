// The tests that compare an estimate with a measured wall time (test/estimates.test.ts): run after
// the others, one file at a time, so that the other core is not busy with another test file while
// they measure (under load the measured time moved by 2.5x either way and failed CI).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 120_000,
    include: ['test/estimates.test.ts'],
    // measurements of its own, made now on the quiet machine (not the suite's, made under its load)
    env: { QUENCH_CALIBRATION: join(tmpdir(), `quench-quiet-calibration-${process.pid}.json`) },
  },
});
