// The backends this process can run, and which one an experiment gets when it names none.
import { QuenchError } from '../../common/errors.js';
import { wasmAvailable } from '../wasm/kernels.js';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu.js';
import { wasmBackend, wasmF32Backend } from './wasm.js';

export function availableBackends(): Backend[] {
  return wasmAvailable() ? [cpuBackend, wasmBackend, wasmF32Backend] : [cpuBackend];
}

export function backendByName(name: string): Backend {
  const b = availableBackends().find((x) => x.name === name);
  if (!b) {
    const why = name === 'wasm' ? ' (the WebAssembly kernels are not built: run `npm run build`)' : '';
    throw new QuenchError('unsupported', `backend "${name}" is not available here${why}; available: ${availableBackends().map((x) => x.name).join(', ')}`);
  }
  return b;
}

/** WebAssembly where it is built (measured faster on every kernel it has, see bench/), else TypeScript. */
export function defaultBackendName(): string {
  return wasmAvailable() ? 'wasm' : 'cpu';
}
