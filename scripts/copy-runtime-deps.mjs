// Copies packages and everything they need at run time (their "dependencies", recursively; optional
// ones where installed) from node_modules to another node_modules, for the GPU check's carried bundle
// (bench/gpu-check.sh): the device machine has no network and takes 64 MiB at most.
//   node scripts/copy-runtime-deps.mjs <to> <package> [<package> ...] [--without <package>,...]
// A package's build leftovers are not copied: gl ships its sources and ANGLE (40 MB); at run time it
// needs its JavaScript and build/Release/webgl.node. --without leaves out packages a dependency
// lists but the check never loads (gl's build tools; gpu.js's WebGPU backend, 84 MB).
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const w = args.indexOf('--without');
const without = new Set(w >= 0 ? args.splice(w, 2)[1].split(',') : []);
const [to, ...roots] = args;
if (!to || roots.length === 0) {
  console.error('usage: node scripts/copy-runtime-deps.mjs <to> <package> [<package> ...]');
  process.exit(2);
}
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const skip = { gl: /^(angle|deps|src\/native|build\/(?!Release\/webgl\.node$|Release$)|binding\.gyp)/ };

/** where `name` resolves from `fromDir` (node's lookup: each node_modules up to the project root) */
function locate(name, fromDir) {
  for (let d = fromDir; d.startsWith(root); d = dirname(d)) {
    const p = join(d, 'node_modules', name);
    if (existsSync(join(p, 'package.json'))) return p;
    if (d === root) break;
  }
  return null;
}

const copied = new Set();
function copy(name, fromDir, optional) {
  if (without.has(name)) return;
  const dir = locate(name, fromDir);
  if (!dir) {
    if (optional) return;
    throw new Error(`${name} is not installed (needed from ${fromDir})`);
  }
  if (copied.has(dir)) return;
  copied.add(dir);
  const rel = dir.slice(join(root, 'node_modules').length + 1);
  const filter = skip[name];
  cpSync(dir, join(to, rel), {
    recursive: true,
    // its own node_modules holds dependencies this script copies one by one (or leaves out)
    filter: (src) => {
      const inside = src.slice(dir.length + 1);
      return src === dir || (!inside.startsWith('node_modules') && !(filter && filter.test(inside)));
    },
  });
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) copy(dep, dir, false);
  for (const dep of Object.keys(pkg.optionalDependencies ?? {})) copy(dep, dir, true);
}
for (const name of roots) copy(name, root, false);
console.log(`copied ${copied.size} packages to ${to}`);
