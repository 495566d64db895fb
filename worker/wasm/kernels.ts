// Loads the WebAssembly kernels (compiled from worker/wasm/assembly/kernels.ts by `npm run build`)
// and lays out arrays in their linear memory. An Arena is one instance with its own memory, sized
// once: it never grows, so the Float64Array views it hands out stay valid for its whole life.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

export interface KernelExports {
  dotRows(a: number, na: number, lda: number, b: number, nb: number, ldb: number, t0: number, t1: number, c: number, symmetric: number): void;
  matVec(m: number, rows: number, cols: number, x: number, y: number): void;
  csrMatVec(rowPtr: number, colIdx: number, values: number, rows: number, x: number, y: number): void;
  symmetricEigen(n: number, vt: number, d: number, e: number): number;
  eigenvaluesGeneral(n: number, h: number, ort: number, f: number, re: number, im: number): number;
  centreTranspose(x: number, T: number, n: number, t0: number, t1: number, mu: number, xt: number): void;
  scaleColumns(a: number, rows: number, n: number, scale: number, out: number): void;
  rowDots(a: number, b: number, c: number, rows: number, n: number, d1: number, d2: number): void;
  simulateLif(
    n: number, d: number, steps: number, sub: number,
    vRest: number, vReset: number, vTh: number, refSteps: number, synDecay: number, readDecay: number,
    memDecay: number, bias: number, colPtr: number, rowIdx: number, w: number, u: number, input: number,
    v: number, iSyn: number, iIn: number, trace: number, refLeft: number, spiked: number, features: number, counts: number,
    spikeCounts: number, isiSum: number, isiSumSq: number, isiCount: number, lastSpike: number,
  ): void;
  tanhOf(x: number): number;
  bootstrapReplicates(diff: number, seeds: number, tasks: number, replicates: number, seed: number, reps: number): void;
  multiplyAdd(a: number, b: number, c: number): number;
  simulateRate(
    esn: number, steps: number, n: number, d: number,
    dense: number, w: number, rowPtr: number, colIdx: number, values: number,
    u: number, b: number, leak: number, input: number, noise: number,
    x: number, r: number, h: number, out: number,
  ): void;
  simulateRateBatch(
    streams: number, esn: number, steps: number, n: number, d: number, dense: number, w: number, rf: number,
    u: number, b: number, leak: number, input: number, noise: number,
    x: number, r: number, h: number, out: number,
  ): void;
}

/** The split kernels of the threaded build (worker/wasm/assembly/threaded.ts); each returns 0, or 1 if the parts lost each other. */
export interface SplitExports {
  simulateRateSplit(
    part: number, parts: number, bar: number,
    esn: number, steps: number, n: number, d: number,
    dense: number, w: number, rowPtr: number, colIdx: number, values: number,
    u: number, b: number, leak: number, input: number, noise: number,
    x: number, r0: number, r1: number, rf0: number, rf1: number, h: number, out: number,
  ): number;
  dotRowsSplit(part: number, parts: number, bar: number, a: number, na: number, lda: number, b: number, nb: number, ldb: number, t0: number, t1: number, c: number, symmetric: number): number;
  abortBarrier(bar: number): void;
}

/**
 * kernels.wasm: plain memory; kernels-mt.wasm: the same kernels plus the split ones, on shared memory
 * with atomics; the "-fma" builds of both: the products with fused multiply-add (relaxed SIMD).
 */
export type KernelBuild = 'kernels' | 'kernels-mt' | 'kernels-fma' | 'kernels-fma-mt';
const compiled = new Map<KernelBuild, WebAssembly.Module>();

export function buildOf(shared: boolean, fused: boolean): KernelBuild {
  return `kernels${fused ? '-fma' : ''}${shared ? '-mt' : ''}`;
}

function wasmPath(build: KernelBuild): string {
  // next to the compiled JavaScript in dist/, or in dist/ when this file runs as TypeScript source
  const candidates = [new URL(`./${build}.wasm`, import.meta.url), new URL(`../../dist/worker/wasm/${build}.wasm`, import.meta.url)];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (existsSync(p)) return p;
  }
  throw new Error(`the WebAssembly kernels are not built (dist/worker/wasm/${build}.wasm): run \`npm run build\``);
}

/**
 * Relaxed SIMD is on by default from V8 11.4 (Chromium 114, Node 22); Node 20's V8 11.3 validates it
 * only behind a flag, which takes effect for modules compiled after it is set (process-wide, so once
 * for every worker thread).
 */
function allowRelaxedSimd(bytes: Uint8Array): void {
  if (WebAssembly.validate(bytes)) return;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  if (!WebAssembly.validate(bytes)) throw new Error(`this JavaScript engine (V8 ${process.versions.v8}) cannot run relaxed SIMD, which the fused builds need`);
}

export function kernelModule(build: KernelBuild = 'kernels'): WebAssembly.Module {
  let m = compiled.get(build);
  if (!m) {
    const bytes = readFileSync(wasmPath(build));
    if (build.includes('-fma')) allowRelaxedSimd(bytes);
    m = new WebAssembly.Module(bytes);
    compiled.set(build, m);
  }
  return m;
}

export function wasmAvailable(build: KernelBuild = 'kernels'): boolean {
  return wasmMissing(build) === null;
}

/** null when `build` loads here, else why not */
export function wasmMissing(build: KernelBuild = 'kernels'): string | null {
  try {
    kernelModule(build);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Whether the fused builds' multiply-add has one rounding on this machine: (1 + 2^-12)^2 - (1 + 2^-11)
 * is 2^-24 fused and 0 rounded twice (the product's 2^-24 is half an ulp, and the tie goes to even).
 * Relaxed SIMD leaves the choice to the engine, which fuses where the CPU can; a "-fma" backend
 * runs only where it does, so that its name always means the same arithmetic.
 */
export function fusedHere(): boolean {
  const k = new WebAssembly.Instance(kernelModule('kernels-fma'), { env: { memory: new WebAssembly.Memory({ initial: 1 }) } }).exports as unknown as KernelExports;
  return k.multiplyAdd(1 + 2 ** -12, 1 + 2 ** -12, -(1 + 2 ** -11)) === 2 ** -24;
}

const PAGE = 65536;
/** the kernels have no static data; the first bytes are left alone all the same, but for the split barrier in the last 16 */
const RESERVED = 1024;
const arenas = new WeakMap<ArrayBufferLike, Arena>();
let arenaCount = 0;

export class Arena {
  readonly memory: WebAssembly.Memory;
  /** the build this arena runs (the split helper instantiates the same one on the same memory) */
  readonly module: WebAssembly.Module;
  readonly k: KernelExports;
  /** shared arenas (threaded build) only: the split kernels, and the 16-byte barrier block they meet at */
  readonly split: SplitExports | null;
  readonly barrier: number;
  /** unique in this thread: the split helper keeps its instance of the arena it saw last */
  readonly id = ++arenaCount;
  private next = RESERVED;
  /**
   * Bytes below this may hold what an earlier user of the arena left (after reset()): take() zeroes
   * them before handing them out again, so a reused arena reads exactly as fresh memory does. The
   * kernels take zero-initialised state for granted (the LIF kernel's synaptic currents, traces and
   * refractory counters); stale counters once silenced neurons of the next run (issue 11).
   */
  private dirtyEnd = RESERVED;

  /** `shared`: the threaded build, for split runs; `fused`: the build with fused multiply-add */
  constructor(bytes: number, shared = false, fused = false) {
    const pages = Math.ceil((bytes + RESERVED + 64 * 16) / PAGE);
    if (pages > 65536) throw new Error(`a WebAssembly arena of ${(bytes / 2 ** 30).toFixed(1)} GiB is beyond the 4 GiB of 32-bit WebAssembly`);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
    this.module = kernelModule(buildOf(shared, fused));
    const instance = new WebAssembly.Instance(this.module, { env: { memory: this.memory } });
    this.k = instance.exports as unknown as KernelExports;
    this.split = shared ? (instance.exports as unknown as SplitExports) : null;
    this.barrier = RESERVED - 16;
    arenas.set(this.memory.buffer, this);
  }

  /** bytes this arena can hand out in all */
  get capacity(): number {
    return this.memory.buffer.byteLength - RESERVED;
  }

  /**
   * Hands out the whole arena again: every view handed out before is reused, so none may still be in
   * use. What they held is not visible to the next user: take() zeroes reused bytes.
   */
  reset(): void {
    this.dirtyEnd = Math.max(this.dirtyEnd, this.next);
    this.next = RESERVED;
  }

  /** `written`: how many of the bytes the caller writes at once (a copy); only the rest is zeroed */
  private take(bytes: number, written = 0): number {
    const at = this.next;
    this.next = at + Math.ceil(bytes / 16) * 16;
    if (this.next > this.memory.buffer.byteLength) throw new Error('WebAssembly arena exhausted (sized too small by its caller)');
    if (at < this.dirtyEnd) {
      const end = Math.min(this.next, this.dirtyEnd);
      if (at + written < end) new Uint8Array(this.memory.buffer, at + written, end - at - written).fill(0);
      if (end === this.dirtyEnd) this.dirtyEnd = RESERVED; // nothing stale from here on
    }
    return at;
  }

  /** a zeroed float64 array (as fresh memory is, also in a reused arena) */
  f64(length: number): Float64Array {
    return new Float64Array(this.memory.buffer, this.take(length * 8), length);
  }

  f32(length: number): Float32Array {
    return new Float32Array(this.memory.buffer, this.take(length * 4), length);
  }

  i32(length: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.take(length * 4), length);
  }

  copyF64(src: ArrayLike<number>): Float64Array {
    const v = new Float64Array(this.memory.buffer, this.take(src.length * 8, src.length * 8), src.length);
    v.set(src);
    return v;
  }
}

/** The arena that holds this array, if any. */
export function arenaOf(a: Float64Array | Int32Array): Arena | undefined {
  return arenas.get(a.buffer);
}

/** Bytes an arena needs for these many float64 values, with alignment slack per array. */
export function bytesFor(doubles: number, arrays = 16): number {
  return doubles * 8 + arrays * 16;
}
