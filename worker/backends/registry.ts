// The backends this process can run, which one an experiment gets when it names none, and why a
// backend is missing where it is. Availability is probed lazily, one backend at a time: a worker
// thread asked for `wasm` never loads gpu.js or a GL context.
import { availableParallelism } from 'node:os';
import { QuenchError } from '../../common/errors.js';
import { fusedHere, wasmMissing } from '../wasm/kernels.js';
import { nativeMissing } from '../native/kernels.js';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu.js';
import { gpuJsBackend, gpuJsCpuBackend, gpuJsUnavailable } from './gpujs.js';
import { nativeF32FmaBackend, nativeF32FmaSplitBackend, nativeFmaBackend } from './native.js';
import {
  wasmBackend, wasmF32Backend, wasmF32FmaBackend, wasmF32FmaSplitBackend, wasmF32SplitBackend, wasmFmaBackend, wasmFmaSplitBackend, wasmSplitBackend,
} from './wasm.js';

interface Entry {
  backend: Backend;
  /** null when it runs here, else the reason in words */
  check: () => string | null;
  /** asked each time rather than once per process: a GPU host connects and goes (registerHostedBackend) */
  live?: boolean;
}

const notBuilt = (which = '') => `the ${which ? `${which} ` : ''}WebAssembly kernels are not built (run \`npm run build\`)`;
const plainMissing = () => (wasmMissing('kernels') ? notBuilt() : null);
const splitMissing = () => {
  if (wasmMissing('kernels-mt')) return notBuilt('threaded');
  if (availableParallelism() < 2) return 'this machine has one core: there is nothing to split a run across';
  return null;
};
const fusedMissing = () => {
  const why = wasmMissing('kernels-fma');
  if (why) return why.includes('not built') ? notBuilt('fused') : why;
  if (!fusedHere()) return "this CPU has no fused multiply-add (FMA): the engine would round twice, and the backend's numbers would not be its own";
  return null;
};
const fusedSplitMissing = () => fusedMissing() ?? splitMissing() ?? (wasmMissing('kernels-fma-mt') ? notBuilt('threaded fused') : null);

const REGISTRY: Entry[] = [
  { backend: cpuBackend, check: () => null },
  { backend: wasmBackend, check: plainMissing },
  { backend: wasmF32Backend, check: plainMissing },
  { backend: wasmSplitBackend, check: splitMissing },
  { backend: wasmF32SplitBackend, check: splitMissing },
  { backend: wasmFmaBackend, check: fusedMissing },
  { backend: wasmF32FmaBackend, check: fusedMissing },
  { backend: wasmFmaSplitBackend, check: fusedSplitMissing },
  { backend: wasmF32FmaSplitBackend, check: fusedSplitMissing },
  { backend: nativeFmaBackend, check: () => fusedMissing() ?? nativeMissing() },
  { backend: nativeF32FmaBackend, check: () => fusedMissing() ?? nativeMissing() },
  { backend: nativeF32FmaSplitBackend, check: () => fusedSplitMissing() ?? nativeMissing() },
  { backend: gpuJsCpuBackend, check: () => gpuJsUnavailable('cpu') },
  { backend: gpuJsBackend, check: () => gpuJsUnavailable('headlessgl') },
];

/**
 * Adds a backend that this process hosts for others (the GPU host's, main/gpu-host.ts): not known
 * to worker threads, so the scheduler runs it in the thread that registered it (`oneThread`).
 */
export function registerHostedBackend(backend: Backend, check: () => string | null): void {
  if (REGISTRY.some((e) => e.backend.name === backend.name)) throw new Error(`backend ${backend.name} is registered already`);
  REGISTRY.push({ backend, check, live: true });
}

const verdicts = new Map<string, string | null>();

function reasonOf(e: Entry): string | null {
  if (e.live) return e.check();
  if (!verdicts.has(e.backend.name)) verdicts.set(e.backend.name, e.check());
  return verdicts.get(e.backend.name)!;
}

export interface BackendStatus {
  name: string;
  precision: string;
  threadsPerRun: number;
  available: boolean;
  reason: string | null;
}

/** Every backend with whether it runs here and, if not, why (probes all of them). */
export function backendReport(): BackendStatus[] {
  return REGISTRY.map((e) => {
    const reason = reasonOf(e);
    return { name: e.backend.name, precision: e.backend.precision, threadsPerRun: e.backend.threadsPerRun ?? 1, available: reason === null, reason };
  });
}

/** every backend's name, whether or not it runs here (probes none) */
export function backendNames(): string[] {
  return REGISTRY.map((e) => e.backend.name);
}

export function availableBackends(): Backend[] {
  return REGISTRY.filter((e) => reasonOf(e) === null).map((e) => e.backend);
}

/**
 * The backends of one precision that run here, probing only those: the automatic choice wants the
 * float64 ones, and need not load gpu.js and a GL context (tens of milliseconds) to learn that its
 * float32 backends are there.
 */
export function availableBackendsOf(precision: Backend['precision']): Backend[] {
  return REGISTRY.filter((e) => e.backend.precision === precision && reasonOf(e) === null).map((e) => e.backend);
}

export function backendByName(name: string): Backend {
  const e = REGISTRY.find((x) => x.backend.name === name);
  if (!e) {
    throw new QuenchError('unsupported', `there is no backend "${name}"; backends: ${REGISTRY.map((x) => x.backend.name).join(', ')}`);
  }
  const reason = reasonOf(e);
  if (reason !== null) throw new QuenchError('unsupported', `backend "${name}" is not available here: ${reason}`);
  return e.backend;
}

/** WebAssembly where it is built (measured faster on every kernel it has, see bench/), else TypeScript. */
export function defaultBackendName(): string {
  return reasonOf(REGISTRY[1]) === null ? 'wasm' : 'cpu';
}
