// The native kernels (native/kernels.c, a Node-API addon) for the native-fma backend, built with
// node-gyp into dist/worker/native/quench_kernels.node. A machine that cannot build them (no C
// compiler, no Node headers) still gets every other backend: the build then writes why into
// dist/worker/native/unbuilt.txt, which `quench backends` shows, and exits 0.
//   QUENCH_NATIVE=require  fail instead (CI: a test that silently loses a backend tests less)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const out = join(root, 'dist', 'worker', 'native');
const addon = join(out, 'quench_kernels.node');
const unbuilt = join(out, 'unbuilt.txt');
mkdirSync(out, { recursive: true });
rmSync(addon, { force: true });
rmSync(unbuilt, { force: true });

/** node-gyp: the one npm runs scripts with, else the one that ships inside npm */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp, join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  return candidates.find((p) => p && existsSync(p)) ?? null;
}

/** Node's own headers where they are installed beside it (else node-gyp downloads them: it needs the network) */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

function build() {
  const gyp = nodeGyp();
  if (!gyp) return 'node-gyp was not found (it ships with npm)';
  const dir = nodeDir();
  const args = [gyp, 'rebuild', '--directory', join(root, 'native'), ...(dir ? [`--nodedir=${dir}`] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').filter((l) => l.trim() && !l.startsWith('gyp info')).slice(-8).join('\n');
    return `node-gyp failed (exit ${r.status ?? r.signal}):\n${tail}`;
  }
  copyFileSync(join(root, 'native', 'build', 'Release', 'quench_kernels.node'), addon);
  return null;
}

const why = build();
if (why) {
  writeFileSync(unbuilt, `${why}\n`);
  console.error(`quench: the native kernels were not built, so the native-fma backend is missing (every other backend is built):\n${why}`);
  if (process.env.QUENCH_NATIVE === 'require') process.exitCode = 1;
}
