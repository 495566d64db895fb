// The tests `npm run mutation` (stryker.config.mjs) runs against each mutant: the in-process tests of
// the mutated modules. Left out: the end-to-end files, the ones that start the CLI or worker threads
// from dist/ (they run the unmutated build, so they could never kill a mutant and only cost time),
// the packaging and estimate checks, and the renderer's project (it imports none of these modules).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/** a group's own test files (scripts/mutation.mjs sets it for the engine's modules), else the list below */
const only = process.env.QUENCH_MUTATION_TESTS;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    include: only ? only.split(',') : [
      'common/**/*.test.ts',
      'worker/**/*.test.ts',
      'main/analysis/**/*.test.ts',
      'main/service/**/*.test.ts',
      'db/**/*.test.ts',
      'test/archive.test.ts',
      'test/archive-commit.test.ts',
      'test/archive-migrate.test.ts',
      'test/archive-transfer.test.ts',
      'main/serve/**/*.test.ts',
      'test/serve.test.ts',
      'test/serve-security.test.ts',
    ],
    // gl.test.ts runs the conformance suite again under Xvfb in a child process (unmutated code)
    exclude: ['**/node_modules/**', 'worker/backends/gl.test.ts'],
    // QUENCH_MUTATION: timing checks skip themselves (the instrumented code is far slower)
    env: { QUENCH_CALIBRATION: join(tmpdir(), 'quench-mutation-calibration.json'), QUENCH_MUTATION: '1' },
  },
});
