// The GPU host broker: the main process's side of common/gpu-host.ts. A page whose WebGL2 reaches
// the GPU (the desktop app's hidden window over IPC, or a browser tab on `quench serve` over HTTP)
// connects, then asks for work in a loop; the `gpujs-webgl` backend hands it rate simulations and
// awaits their features. One host at a time: a page that connects replaces the one before, and the
// work that one had taken is handed out again.
//
// A host that stops asking (its tab closed, its window gone) is dropped after STALE_MS, and a
// simulation that takes far longer than its size explains fails in words instead of hanging a job.
import { CancelledError, QuenchError } from '../common/errors.js';
import { GPU_HOST_BACKEND, decodeFeatures, encodeSimulation, featuresFrameBytes, type GpuHostInfo, type GpuSimulation } from '../common/gpu-host.js';
import type { Backend } from '../worker/backends/backend.js';
import { gpuRateBackend } from '../worker/backends/gpujs.js';
import { registerHostedBackend } from '../worker/backends/registry.js';

/** a host that has not asked for work for this long is gone (it asks at least every POLL_MS while idle) */
export const STALE_MS = 45_000;
/** how long one ask for work waits before answering "nothing" (long polling) */
export const POLL_MS = 20_000;

interface Pending {
  id: number;
  frame: ArrayBuffer;
  n: number;
  steps: number;
  /** fail it if no answer came by then (ms since the epoch), once it is taken */
  deadlineMs: number;
  budgetMs: number;
  resolve(features: Float64Array): void;
  reject(err: Error): void;
}

export interface Work {
  id: number;
  frame: ArrayBuffer;
  /** the largest features frame that may answer it */
  maxAnswerBytes: number;
}

/** Generous time for one simulation: a minute, plus 20 ns per multiply-add of W (a slow integrated GPU). */
export function simulationBudgetMs(n: number, steps: number): number {
  return 60_000 + (n * n * steps) / 50_000;
}

export class GpuHostBroker {
  private host: { info: GpuHostInfo; lastSeenMs: number } | null = null;
  private dropped = '';
  private readonly queue: Pending[] = [];
  private readonly taken = new Map<number, Pending>();
  private readonly waiters = new Set<(w: Pending | null) => void>();
  private nextId = 1;
  private watchdog: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** null when a host is connected, else why gpujs-webgl cannot run, in words */
  unavailable(): string | null {
    this.expire();
    if (this.host) return null;
    const how =
      'it runs on a GPU host: the desktop app opens one in a hidden window where WebGL2 is available; ' +
      'with `quench serve`, open the address it prints for the GPU host in a browser on a machine with a GPU';
    return this.dropped ? `${this.dropped}; ${how}` : `no GPU host is connected; ${how}`;
  }

  /** the connected host in words, or null */
  describe(): string | null {
    return this.host ? `WebGL2 on ${this.host.info.renderer} (${this.host.info.where})` : null;
  }

  connect(info: GpuHostInfo): void {
    if (info?.mode !== 'webgl2') {
      // remembered: the backend's reason names the page that could not offer a GPU
      if (!this.host) this.dropped = `the GPU host page (${String(info?.where ?? 'somewhere')}) found no WebGL2 (gpu.js could only run in "${String(info?.mode)}" mode there, no faster than the CPU)`;
      throw new QuenchError('unsupported', `the GPU host offered gpu.js in "${String(info?.mode)}" mode, not WebGL2: its browser has no WebGL2 (or it is turned off)`);
    }
    // a reloaded page lost what it was working on: hand that out again
    for (const p of this.taken.values()) this.queue.unshift(p);
    this.taken.clear();
    this.host = { info: { renderer: String(info.renderer).slice(0, 200), mode: info.mode, where: String(info.where).slice(0, 100) }, lastSeenMs: this.now() };
    this.dropped = '';
    this.watchdog ??= setInterval(() => this.expire(), 5_000);
    this.watchdog.unref?.();
  }

  /** The host is gone: everything queued or taken fails with `why`. */
  disconnect(why: string): void {
    if (!this.host) return;
    this.host = null;
    this.dropped = why;
    const err = new QuenchError('unsupported', `the GPU host went away: ${why}`);
    for (const p of [...this.queue, ...this.taken.values()]) p.reject(err);
    this.queue.length = 0;
    this.taken.clear();
    for (const w of this.waiters) w(null);
    this.waiters.clear();
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  /** The host asks for work: the next simulation, or null after waitMs without any. */
  next(waitMs = POLL_MS, gone?: AbortSignal): Promise<Work | null> {
    if (!this.host) return Promise.reject(new QuenchError('unsupported', 'this GPU host is not connected (it was replaced or timed out): reload it'));
    this.host.lastSeenMs = this.now();
    const p = this.queue.shift();
    if (p) return Promise.resolve(this.take(p));
    return new Promise((resolve) => {
      const answer = (w: Pending | null) => {
        clearTimeout(timer);
        gone?.removeEventListener('abort', leave);
        this.waiters.delete(answer);
        resolve(w ? this.take(w) : null);
      };
      // the asker hung up (its tab closed): it must not be handed work
      const leave = () => answer(null);
      const timer = setTimeout(leave, waitMs);
      gone?.addEventListener('abort', leave, { once: true });
      this.waiters.add(answer);
    });
  }

  private take(p: Pending): Work {
    p.deadlineMs = this.now() + p.budgetMs;
    this.taken.set(p.id, p);
    if (this.host) this.host.lastSeenMs = this.now();
    return { id: p.id, frame: p.frame, maxAnswerBytes: featuresFrameBytes(p.n, p.steps) };
  }

  /** Work handed to an asker that hung up before it got it: first in line again. */
  giveBack(id: number): void {
    const p = this.taken.get(id);
    if (!p) return;
    this.taken.delete(id);
    p.deadlineMs = Infinity;
    const [waiter] = this.waiters;
    if (waiter) waiter(p);
    else this.queue.unshift(p);
  }

  /** the largest answer simulation `id` may get, or null when it is not out */
  answerLimit(id: number): number | null {
    const p = this.taken.get(id);
    return p ? featuresFrameBytes(p.n, p.steps) : null;
  }

  /** The host's features for simulation `id` (a features frame, common/gpu-host.ts). */
  complete(id: number, frame: ArrayBuffer): void {
    const p = this.taken.get(id);
    if (!p) throw new QuenchError('not-found', `no simulation ${id} is waiting for features (it timed out, or was answered already)`);
    let f: ReturnType<typeof decodeFeatures>;
    try {
      f = decodeFeatures(frame);
    } catch (err) {
      this.taken.delete(id);
      p.reject(new QuenchError('internal', `the GPU host's answer to simulation ${id} is unreadable: ${(err as Error).message}`));
      throw new QuenchError('input', (err as Error).message);
    }
    this.taken.delete(id);
    if (f.id !== id || f.n !== p.n || f.steps !== p.steps) {
      p.reject(new QuenchError('internal', `the GPU host answered simulation ${id} (N = ${p.n}, ${p.steps} steps) with features of ${f.id} (N = ${f.n}, ${f.steps} steps)`));
      return;
    }
    if (this.host) this.host.lastSeenMs = this.now();
    p.resolve(Float64Array.from(f.features));
  }

  /** The host could not run simulation `id`. */
  fail(id: number, message: string): void {
    const p = this.taken.get(id);
    if (!p) throw new QuenchError('not-found', `no simulation ${id} is waiting for features`);
    this.taken.delete(id);
    if (this.host) this.host.lastSeenMs = this.now();
    p.reject(new QuenchError('internal', `the GPU host (${this.describe()}) could not run the simulation: ${String(message).slice(0, 2000)}`));
  }

  /** Runs one simulation on the host; rejects in words when there is none or it fails. */
  simulate(sim: GpuSimulation, signal?: AbortSignal): Promise<Float64Array> {
    const why = this.unavailable();
    if (why) return Promise.reject(new QuenchError('unsupported', `backend "${GPU_HOST_BACKEND}" is not available here: ${why}`));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const p: Pending = {
        id,
        // the id travels in the frame
        frame: encodeSimulation(id, sim),
        n: sim.n,
        steps: sim.steps,
        deadlineMs: Infinity,
        budgetMs: simulationBudgetMs(sim.n, sim.steps),
        resolve,
        reject,
      };
      // cancelled before the host took it: withdrawn, the host's time is not spent on it
      signal?.addEventListener(
        'abort',
        () => {
          const at = this.queue.indexOf(p);
          if (at < 0) return;
          this.queue.splice(at, 1);
          reject(new CancelledError('the simulation was withdrawn from the GPU host: its job was cancelled'));
        },
        { once: true },
      );
      const [waiter] = this.waiters;
      if (waiter) waiter(p);
      else this.queue.push(p);
    });
  }

  /** Drops a host that stopped asking, fails a simulation past its time. */
  expire(): void {
    if (!this.host) return;
    const now = this.now();
    for (const p of this.taken.values()) {
      if (now > p.deadlineMs) {
        this.taken.delete(p.id);
        p.reject(new QuenchError('internal', `the GPU host did not answer a simulation of N = ${p.n}, ${p.steps} steps within ${Math.round(p.budgetMs / 1000)} s`));
      }
    }
    const busy = this.taken.size > 0 || this.waiters.size > 0;
    if (!busy && now - this.host.lastSeenMs > STALE_MS) {
      this.disconnect(`the GPU host (${this.describe()}) stopped asking for work ${Math.round((now - this.host.lastSeenMs) / 1000)} s ago (its page was closed?)`);
    }
  }
}

export function hostedGpuBackend(broker: GpuHostBroker): Backend {
  return gpuRateBackend(GPU_HOST_BACKEND, {
    // the simulation is awaited from the host, in the thread that holds the broker
    oneThread: true,
    simulateRate() {
      throw new QuenchError('unsupported', `backend "${GPU_HOST_BACKEND}" runs through an experiment only: its simulations are awaited from the GPU host`);
    },
    simulateRateAsync: (model, net, input, steps, noiseSeed, signal) =>
      broker.simulate({ model, n: net.n, d: net.d, steps, noiseSeed, w: net.w, u: net.u, b: net.b, tau: net.tau, input: input.subarray(0, steps * net.d) }, signal),
  });
}

/** this process's GPU host broker, its backend registered (the service, `serve` and the desktop app share it) */
export const gpuHost = new GpuHostBroker();

let registered = false;

/**
 * Offers gpujs-webgl (this process's broker) among the backends. Called where the app is put
 * together (the CLI's main, the desktop app's main), not as a side effect of importing this module.
 */
export function registerGpuHostBackend(): void {
  if (registered) return;
  registered = true;
  registerHostedBackend(hostedGpuBackend(gpuHost), () => gpuHost.unavailable());
}
