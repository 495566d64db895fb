// The GPU host protocol: the main process hands rate simulations to a page whose WebGL2 reaches the
// real GPU (the desktop app's hidden window, or a browser tab on `quench serve`), which runs them
// with the gpu.js kernels (worker/backends/gpujs-rate.ts) and sends the features back. The readout
// stays in the main process, in float64.
//
// Both directions are one binary frame, the same over Electron IPC and HTTP: a UTF-8 JSON header,
// then the arrays it names, back to back, 8-byte aligned. A simulation is about 8 N^2 bytes (W) plus
// the input; its features come back as float32 (the kernels compute in float32), 4 T N bytes.
import type { RateModelSpec } from './spec.js';

/** the backend that runs on a GPU host */
export const GPU_HOST_BACKEND = 'gpujs-webgl';

/** Electron IPC channels of the hidden GPU window (main/electron/gpu-host-ipc.ts, gpu-host-preload.cts) */
export const GPU_HOST_CHANNELS = {
  hello: 'quench-gpu:hello',
  next: 'quench-gpu:next',
  result: 'quench-gpu:result',
  error: 'quench-gpu:error',
} as const;

/** What a host says of itself when it connects. */
export interface GpuHostInfo {
  /** the WebGL renderer string (unmasked where the browser allows), e.g. "NVIDIA GeForce RTX 4090/PCIe/SSE2" */
  renderer: string;
  /** gpu.js's mode on the host: 'webgl2' is the one we accept */
  mode: string;
  /** where the host runs, in words: "hidden window", "browser tab" */
  where: string;
}

/** One rate simulation, with what simulateRate needs of the built network. */
export interface GpuSimulation {
  model: RateModelSpec;
  n: number;
  d: number;
  steps: number;
  noiseSeed: number;
  /** n x n */
  w: Float64Array;
  /** n x d */
  u: Float64Array;
  b: Float64Array;
  tau: Float64Array;
  /** steps x d */
  input: Float64Array;
}

const SIM_MAGIC = 0x51475053; // 'QGPS'
const FEATURES_MAGIC = 0x51475046; // 'QGPF'
const VERSION = 1;
const ARRAYS = ['w', 'u', 'b', 'tau', 'input'] as const;

interface SimHeader {
  id: number;
  model: RateModelSpec;
  n: number;
  d: number;
  steps: number;
  noiseSeed: number;
}

const align8 = (x: number) => Math.ceil(x / 8) * 8;

function frame(magic: number, header: object, arrays: ArrayBufferView[]): ArrayBuffer {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = align8(12 + json.length);
  let size = start;
  for (const a of arrays) size = align8(size + a.byteLength);
  const buf = new ArrayBuffer(size);
  const view = new DataView(buf);
  view.setUint32(0, magic, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.length, true);
  new Uint8Array(buf, 12, json.length).set(json);
  let at = start;
  for (const a of arrays) {
    new Uint8Array(buf, at, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    at = align8(at + a.byteLength);
  }
  return buf;
}

function unframe(buf: ArrayBuffer, magic: number, what: string): { header: Record<string, unknown>; dataAt: number } {
  if (buf.byteLength < 12) throw new Error(`the ${what} is ${buf.byteLength} bytes, too short to be one`);
  const view = new DataView(buf);
  if (view.getUint32(0, true) !== magic) throw new Error(`the ${what} does not start with its marker: not a Quench GPU host frame`);
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new Error(`the ${what} is version ${version} of the GPU host protocol; this Quench speaks ${VERSION} (reload the GPU host page)`);
  const length = view.getUint32(8, true);
  if (12 + length > buf.byteLength) throw new Error(`the ${what}'s header runs past its end`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 12, length)));
  } catch (err) {
    throw new Error(`the ${what}'s header is not JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== 'object') throw new Error(`the ${what}'s header is not an object`);
  return { header: header as Record<string, unknown>, dataAt: align8(12 + length) };
}

const count = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0;

export function encodeSimulation(id: number, s: GpuSimulation): ArrayBuffer {
  const header: SimHeader = { id, model: s.model, n: s.n, d: s.d, steps: s.steps, noiseSeed: s.noiseSeed };
  return frame(SIM_MAGIC, header, ARRAYS.map((k) => s[k]));
}

export function decodeSimulation(buf: ArrayBuffer): { id: number; sim: GpuSimulation } {
  const { header, dataAt } = unframe(buf, SIM_MAGIC, 'simulation');
  const h = header as Partial<SimHeader>;
  if (!count(h.id) || !count(h.n) || !count(h.d) || !count(h.steps) || typeof h.noiseSeed !== 'number' || h.model?.kind !== 'rate') {
    throw new Error('the simulation header lacks one of id, n, d, steps, noiseSeed or a rate model');
  }
  const { n, d, steps } = h as SimHeader;
  const lengths = { w: n * n, u: n * d, b: n, tau: n, input: steps * d };
  let at = dataAt;
  const arrays = {} as Record<(typeof ARRAYS)[number], Float64Array>;
  for (const k of ARRAYS) {
    const bytes = lengths[k] * 8;
    if (at + bytes > buf.byteLength) throw new Error(`the simulation ends inside its ${k} (N = ${n}, D = ${d}, ${steps} steps need ${bytes} bytes of it)`);
    arrays[k] = new Float64Array(buf.slice(at, at + bytes));
    at = align8(at + bytes);
  }
  return { id: h.id!, sim: { model: h.model!, n, d, steps, noiseSeed: h.noiseSeed!, ...arrays } };
}

/** at most the size of the features frame answering a simulation of this shape (its header is short) */
export function featuresFrameBytes(n: number, steps: number): number {
  return n * steps * 4 + 1024;
}

export function encodeFeatures(id: number, n: number, steps: number, features: Float32Array): ArrayBuffer {
  if (features.length !== n * steps) throw new Error(`features of ${features.length} values for N = ${n} over ${steps} steps (expected ${n * steps})`);
  return frame(FEATURES_MAGIC, { id, n, steps }, [features]);
}

export function decodeFeatures(buf: ArrayBuffer): { id: number; n: number; steps: number; features: Float32Array } {
  const { header, dataAt } = unframe(buf, FEATURES_MAGIC, 'features frame');
  const { id, n, steps } = header as { id?: unknown; n?: unknown; steps?: unknown };
  if (!count(id) || !count(n) || !count(steps)) throw new Error('the features header lacks one of id, n, steps');
  const bytes = (n as number) * (steps as number) * 4;
  if (dataAt + bytes > buf.byteLength) throw new Error(`the features frame ends early: ${buf.byteLength - dataAt} of ${bytes} bytes`);
  return { id: id as number, n: n as number, steps: steps as number, features: new Float32Array(buf.slice(dataAt, dataAt + bytes)) };
}
