// gpu.js on WebGL needs an X display. Where Xvfb is installed (CI installs it), the conformance
// suite and the run-order test run once more for the `gpujs` backend inside xvfb-run, in a child
// process of their own. Where headless GL cannot start there (no GL driver for Xvfb, the `gl`
// module not built), the test is skipped with the reason, as where Xvfb or gpu.js is missing.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { gpuJsUnavailable } from './gpujs.js';

const hasXvfb = spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0;
const gpuJsMissing = gpuJsUnavailable('cpu');

// a 1 x 1 context of the `gl` module (gpu.js's headless GL), made in a child process under Xvfb
const GL_PROBE = "const gl = require('gl')(1, 1); if (!gl) { console.error('the gl module could not create a WebGL context'); process.exit(1); }";

/** Why the gpujs backend cannot run on headless GL here, or null when it can. */
function headlessGlProblem(): string | null {
  if (!hasXvfb) return 'xvfb-run is not installed';
  if (gpuJsMissing !== null) return `gpu.js is not available: ${gpuJsMissing}`;
  const probe = spawnSync('xvfb-run', ['-a', process.execPath, '-e', GL_PROBE], { encoding: 'utf8', timeout: 60_000 });
  if (probe.status === 0) return null;
  const why = probe.error?.message ?? (`${probe.stderr ?? ''}${probe.stdout ?? ''}`.trim().split('\n').at(-1) || `exit code ${probe.status}`);
  return `headless GL cannot start under Xvfb (${why})`;
}

describe('gpujs backend on headless GL', () => {
  it('passes the conformance suite and the run-order test under Xvfb', (ctx) => {
    const problem = headlessGlProblem();
    // CI installs Xvfb, Mesa and the gl module's headers: there, a GL that cannot start is a failure
    if (problem !== null && process.env.CI) throw new Error(`the gpujs backend cannot be tested in CI: ${problem}`);
    if (problem !== null) ctx.skip(problem);
    const r = spawnSync('xvfb-run', ['-a', process.execPath, 'node_modules/vitest/vitest.mjs', 'run', '--reporter=verbose', 'worker/backends/conformance.test.ts', 'test/order.test.ts'], {
      encoding: 'utf8',
      env: { ...process.env, QUENCH_BACKENDS: 'gpujs', NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout: 180_000,
    });
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/backend 'gpujs' > rate li/);
    expect(out).toMatch(/gpujs: two shuffled sequences through one worker/);
    expect(out).not.toMatch(/backend 'gpujs-cpu'/);
    expect(r.status, out.slice(-3000)).toBe(0);
  }, 200_000);
});
