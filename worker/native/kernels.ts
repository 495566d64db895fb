// Loads the native kernels (native/kernels.c, built by `npm run build` into
// dist/worker/native/quench_kernels.node) for the native backends, once per thread.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** which vectors dotRows uses: the same bits on every path (native/kernels.c) */
export const NATIVE_PATHS = { scalar: 0, avx2: 1, avx512: 2 } as const;
export type NativePath = (typeof NATIVE_PATHS)[keyof typeof NATIVE_PATHS];

export interface NativeKernels {
  /** C (na x nb) = A[:, t0:t1] B[:, t0:t1]' for row-major A (na x lda) and B (nb x ldb); c must not overlap a or b */
  dotRows(path: NativePath, a: Float64Array, na: number, lda: number, b: Float64Array, nb: number, ldb: number, t0: number, t1: number, c: Float64Array, symmetric: boolean): void;
  /** the widest path this CPU runs */
  bestPath(): NativePath;
  /**
   * worker/wasm/assembly/kernels.ts' symmetricEigen with its bits: vt (n x n, symmetric on entry)
   * becomes the eigenvectors as rows, d the ascending eigenvalues, e is scratch; 0, or 1 if the QL
   * iteration did not converge
   */
  symmetricEigen(vt: Float64Array, n: number, d: Float64Array, e: Float64Array): number;
  /** worker/wasm/assembly/kernels.ts' eigenvaluesGeneral with its bits: h (n x n) is destroyed; 0, or 1 if the QR iteration did not converge */
  eigenvaluesGeneral(h: Float64Array, n: number, re: Float64Array, im: Float64Array): number;
  /** worker/readout.ts' centredTranspose with its bits: mu (n) and xt (n x T) written from x (T x n) */
  centredTranspose(x: Float64Array, n: number, T: number, t0: number, t1: number, mu: Float64Array, xt: Float64Array): void;
  /**
   * worker/wasm/assembly/kernels.ts' dense float32 simulateRate as the fused build computes it, with
   * its bits, on `parts` 1 or 2 threads: w (n x n), u (n x d, net.u), b and leak (n), input
   * (steps x d), noise (steps x n, or empty for none); the rates into out (steps x n). Path 1 or 2.
   */
  simulateRateF32(path: NativePath, parts: 1 | 2, esn: 0 | 1, steps: number, n: number, d: number, w: Float64Array, u: Float64Array, b: Float64Array, leak: Float64Array, input: Float64Array, noise: Float64Array, out: Float64Array): void;
  /** the same for a sparse W (CSR, float64), with the bits of wasm-fma's sparse simulation */
  simulateRateCsr(parts: 1 | 2, esn: 0 | 1, steps: number, n: number, d: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, u: Float64Array, b: Float64Array, leak: Float64Array, input: Float64Array, noise: Float64Array, out: Float64Array): void;
  /** main/analysis/stats.ts' bootstrap replicate means with the WebAssembly loop's bits: diff seeds x tasks (each 1 to 4096), into reps */
  bootstrapReplicates(diff: Float64Array, seeds: number, tasks: number, replicates: number, seed: number, reps: Float64Array): void;
}

function addonDir(): string | null {
  // next to the compiled JavaScript in dist/, or in dist/ when this file runs as TypeScript source
  const candidates = [new URL('./', import.meta.url), new URL('../../dist/worker/native/', import.meta.url)];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (existsSync(`${p}quench_kernels.node`) || existsSync(`${p}unbuilt.txt`)) return p;
  }
  return null;
}

let loaded: { kernels: NativeKernels | null; why: string | null } | null = null;

function load(): { kernels: NativeKernels | null; why: string | null } {
  if (loaded) return loaded;
  const dir = addonDir();
  if (!dir) return (loaded = { kernels: null, why: 'the native kernels are not built (run `npm run build`)' });
  if (!existsSync(`${dir}quench_kernels.node`)) {
    const why = readFileSync(`${dir}unbuilt.txt`, 'utf8').trim().split('\n')[0];
    return (loaded = { kernels: null, why: `the native kernels could not be built here (${why}; \`npm run build\` says more)` });
  }
  try {
    const kernels = createRequire(import.meta.url)(`${dir}quench_kernels.node`) as NativeKernels;
    if (kernels.bestPath() === NATIVE_PATHS.scalar) return (loaded = { kernels: null, why: 'this CPU has no AVX2 with fused multiply-add, which the native kernels need to be worth running' });
    return (loaded = { kernels, why: null });
  } catch (err) {
    return (loaded = { kernels: null, why: `the native kernels do not load: ${err instanceof Error ? err.message : String(err)}` });
  }
}

/** null when the native kernels run here, else why not */
export function nativeMissing(): string | null {
  return load().why;
}

export function nativeKernels(): NativeKernels {
  const { kernels, why } = load();
  if (!kernels) throw new Error(why!);
  return kernels;
}
