// The GPU host's loop: say hello, then ask for simulations and answer each with its features,
// computed by the same gpu.js kernels the Node backend uses (worker/backends/gpujs-rate.ts). A
// simulation that fails is reported as failed (its run fails in words); a lost connection is retried.
import { decodeSimulation, encodeFeatures, type GpuHostInfo } from '../../../common/gpu-host.js';
import { simulateRateOnGpu, type Gpu } from '../../../worker/backends/gpujs-rate.js';
import type { HostTransport } from './transport.js';

export type HostEvent =
  | { type: 'connected' }
  | { type: 'simulated'; id: number; n: number; steps: number; seconds: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'problem'; message: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Answers one simulation frame; returns what happened. */
export async function answer(gpu: Gpu, transport: HostTransport, frame: ArrayBuffer): Promise<HostEvent> {
  let id = -1;
  try {
    const { id: got, sim } = decodeSimulation(frame);
    id = got;
    const t = performance.now();
    const features = simulateRateOnGpu(gpu, sim.model, sim, sim.input, sim.steps, sim.noiseSeed, new Float32Array(sim.steps * sim.n));
    const seconds = (performance.now() - t) / 1000;
    await transport.result(id, encodeFeatures(id, sim.n, sim.steps, features));
    return { type: 'simulated', id, n: sim.n, steps: sim.steps, seconds };
  } catch (e) {
    if (id < 0) return { type: 'problem', message: `an unreadable simulation: ${messageOf(e)}` };
    await transport.error(id, messageOf(e));
    return { type: 'failed', id, message: messageOf(e) };
  }
}

/** Serves until `signal` aborts, reconnecting after errors (every 3 s). */
export async function serveSimulations(gpu: Gpu, info: GpuHostInfo, transport: HostTransport, onEvent: (e: HostEvent) => void, signal?: AbortSignal): Promise<void> {
  let connected = false;
  while (!signal?.aborted) {
    try {
      if (!connected) {
        await transport.hello(info);
        connected = true;
        onEvent({ type: 'connected' });
      }
      const frame = await transport.next();
      if (frame) onEvent(await answer(gpu, transport, frame));
    } catch (e) {
      connected = false;
      onEvent({ type: 'problem', message: messageOf(e) });
      await sleep(3000);
    }
  }
}
