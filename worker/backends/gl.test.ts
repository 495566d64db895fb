// gpu.js on WebGL needs an X display. Where Xvfb is installed (CI installs it), the conformance
// suite and the run-order test run once more for the `gpujs` backend inside xvfb-run, in a child
// process of their own.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { gpuJsUnavailable } from './gpujs.js';

const hasXvfb = spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0;
const gpuJsMissing = gpuJsUnavailable('cpu');

describe('gpujs backend on headless GL', () => {
  it.skipIf(!hasXvfb || gpuJsMissing !== null)('passes the conformance suite and the run-order test under Xvfb', () => {
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
