// The backends this process can run, which one an experiment gets when it names none, and why a
// backend is missing where it is. Availability is probed lazily, one backend at a time: a worker
// thread asked for `wasm` never loads gpu.js or a GL context.
import { availableParallelism } from 'node:os';
import { QuenchError } from '../../common/errors.js';
import { wasmAvailable } from '../wasm/kernels.js';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu.js';
import { gpuJsBackend, gpuJsCpuBackend, gpuJsUnavailable } from './gpujs.js';
import { wasmBackend, wasmF32Backend, wasmF32SplitBackend, wasmSplitBackend } from './wasm.js';

interface Entry {
  backend: Backend;
  /** null when it runs here, else the reason in words */
  check: () => string | null;
}

const wasmMissing = () => (wasmAvailable() ? null : 'the WebAssembly kernels are not built (run `npm run build`)');
const splitMissing = () => {
  if (!wasmAvailable('kernels-mt')) return 'the threaded WebAssembly kernels are not built (run `npm run build`)';
  if (availableParallelism() < 2) return 'this machine has one core: there is nothing to split a run across';
  return null;
};

const REGISTRY: Entry[] = [
  { backend: cpuBackend, check: () => null },
  { backend: wasmBackend, check: wasmMissing },
  { backend: wasmF32Backend, check: wasmMissing },
  { backend: wasmSplitBackend, check: splitMissing },
  { backend: wasmF32SplitBackend, check: splitMissing },
  { backend: gpuJsCpuBackend, check: () => gpuJsUnavailable('cpu') },
  { backend: gpuJsBackend, check: () => gpuJsUnavailable('headlessgl') },
];

const verdicts = new Map<string, string | null>();

function reasonOf(e: Entry): string | null {
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

export function availableBackends(): Backend[] {
  return REGISTRY.filter((e) => reasonOf(e) === null).map((e) => e.backend);
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
