// `npm ci` builds through the prepare script; so does the first `npx quench` in a folder, because
// npm exec installs the project itself (a file: dependency) into its cache and runs its prepare.
// That second build is 12 s of nothing for a newcomer, so prepare builds only when dist/ is missing
// or older than a source file. `npm run build` (and `npm test`, `npm run bench`) always build.
//   node scripts/build-if-stale.mjs                 build if stale
//   node scripts/build-if-stale.mjs --check [root]  only say: exit 0 fresh, 1 stale (and why)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const check = process.argv[2] === '--check';
const root = check && process.argv[3] ? process.argv[3] : join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const outputs = ['dist/worker/wasm/kernels.wasm', 'dist/worker/wasm/kernels-mt.wasm', 'dist/worker/wasm/kernels-fma.wasm', 'dist/worker/wasm/kernels-fma-mt.wasm', 'dist/main/cli.js', 'dist/worker/thread.js', 'dist/renderer/index.html'];
const sourceDirs = ['common', 'worker', 'main', 'db', 'renderer', 'bench', 'bin', 'scripts', 'native'];
const sourceFiles = ['package.json', 'package-lock.json', 'tsconfig.json'];

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'out' || name === 'build') continue;
    t = Math.max(t, newest(join(path, name)));
  }
  return t;
}

function stale() {
  const out = outputs.map((p) => join(root, p));
  if (out.some((p) => !existsSync(p))) return 'dist/ is not built';
  const built = Math.min(...out.map((p) => statSync(p).mtimeMs));
  const inputs = [...sourceDirs, ...sourceFiles].map((p) => join(root, p)).filter((p) => existsSync(p));
  const changed = inputs.find((p) => newest(p) > built);
  return changed ? `${changed.slice(root.length + 1)} changed since the last build` : null;
}

const why = stale();
if (check) {
  console.log(why ? `stale: ${why}` : 'fresh');
  process.exitCode = why ? 1 : 0;
} else if (!why) {
  console.error('quench: dist/ is newer than every source file; not rebuilding (npm run build forces it)');
} else {
  console.error(`quench: building (${why})`);
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
}
