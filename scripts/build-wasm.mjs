// The four WebAssembly builds of worker/wasm/assembly/, two at a time (asc is single-threaded):
//   kernels.wasm         SIMD                      one thread per run
//   kernels-mt.wasm      SIMD, threads             runs split over shared memory (threaded.ts)
//   kernels-fma.wasm     SIMD, relaxed SIMD        products with fused multiply-add
//   kernels-fma-mt.wasm  SIMD, threads, relaxed    both
// The fused builds need relaxed SIMD, which Node 20 validates only behind a V8 flag
// (worker/wasm/kernels.ts sets it before compiling them).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const asc = join(root, 'node_modules', '.bin', 'asc');
const common = ['-O3', '--runtime', 'stub', '--importMemory', '--use', 'abort='];
const threaded = ['--sharedMemory', '--maximumMemory', '65536'];
const builds = [
  { out: 'kernels', src: 'kernels.ts', features: 'simd', extra: [] },
  { out: 'kernels-mt', src: 'threaded.ts', features: 'simd,threads', extra: threaded },
  { out: 'kernels-fma', src: 'kernels.ts', features: 'simd,relaxed-simd', extra: [] },
  { out: 'kernels-fma-mt', src: 'threaded.ts', features: 'simd,threads,relaxed-simd', extra: threaded },
];

function build(b) {
  const args = [join('worker/wasm/assembly', b.src), ...common, '--enable', b.features, ...b.extra, '-o', `dist/worker/wasm/${b.out}.wasm`];
  return new Promise((resolve, reject) => {
    const p = spawn(asc, args, { cwd: root, stdio: 'inherit' });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`asc failed building ${b.out}.wasm (exit ${code})`))));
  });
}

const queue = [...builds];
const lane = async () => {
  for (let b = queue.shift(); b; b = queue.shift()) await build(b);
};
try {
  await Promise.all([lane(), lane()]);
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
}
