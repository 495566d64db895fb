// The SLURM tests (npm run test:cluster): a real single-node cluster (slurmctld, slurmd, munge from
// Debian's slurm-wlm and munge) started by test/cluster/cluster.ts for the run, as root. One file at
// a time: the cluster's two cores are the jobs'.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    include: ['test/cluster/**/*.test.ts'],
    env: { QUENCH_CALIBRATION: join(tmpdir(), 'quench-test-calibration.json') },
  },
});
