// The prepare script rebuilds only when dist/ is missing or older than a source (the first `npx quench`
// in a folder runs prepare again; see scripts/build-if-stale.mjs).
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const OUTPUTS = ['dist/worker/wasm/kernels.wasm', 'dist/worker/wasm/kernels-mt.wasm', 'dist/worker/wasm/kernels-fma.wasm', 'dist/worker/wasm/kernels-fma-mt.wasm', 'dist/main/cli.js', 'dist/worker/thread.js', 'dist/renderer/index.html'];

function check(root: string) {
  const r = spawnSync(process.execPath, ['scripts/build-if-stale.mjs', '--check', root], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout.trim() };
}

function file(root: string, path: string, seconds: number) {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, '');
  utimesSync(p, seconds, seconds);
}

describe('build-if-stale (prepare)', () => {
  it('is fresh when every output is newer than every source, stale when one is missing or older', () => {
    const root = mkdtempSync(join(tmpdir(), 'quench-prepare-'));
    try {
      file(root, 'package.json', 1000);
      file(root, 'worker/rng.ts', 1000);
      file(root, 'renderer/node_modules/dep/index.js', 5000); // dependencies do not count
      expect(check(root)).toEqual({ code: 1, out: 'stale: dist/ is not built' });
      for (const o of OUTPUTS) file(root, o, 2000);
      expect(check(root)).toEqual({ code: 0, out: 'fresh' });
      file(root, 'worker/models/rate.ts', 3000);
      expect(check(root)).toEqual({ code: 1, out: 'stale: worker changed since the last build' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
