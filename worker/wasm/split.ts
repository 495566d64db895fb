// One run's kernels split between this thread and a helper thread, over a shared-memory arena of
// the threaded build. The two parts meet at barriers inside the WebAssembly (no message per step);
// messages only start a split call and carry a helper's failure back. Rows are cut at multiples of
// 8, so a split result is bit-identical to the one-thread result (worker/backends/split.test.ts).
//
// Split pays where a run's data fits two cores' caches but not one's (dense float32 at N ~ 1000:
// 4 MB of weights against 2 MB of L2 per core here) and for one long readout; a sweep with runs to
// spare fills the cores with whole runs instead. bench/run.ts measures both.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Arena, type SplitExports } from './kernels.js';

/** this thread and one helper: the machines this is tuned on have two cores */
export const SPLIT_PARTS = 2;

export interface HelperRequest {
  id: number;
  /** the arena's id: the same arena again needs no new instance */
  arena: number;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  fn: keyof SplitExports;
  args: number[];
}

export type HelperReply = { id: number; ok: true } | { id: number; ok: false; message: string };

interface Helper {
  worker: Worker;
  replies: MessagePort;
}

let helper: Helper | null = null;

function helperEntry(): URL {
  const here = import.meta.url;
  // under vitest this module is TypeScript source; the helper runs compiled, from dist/
  const url = here.endsWith('.ts') ? new URL('../../dist/worker/wasm/helper.js', here) : new URL('./helper.js', here);
  if (!existsSync(fileURLToPath(url))) throw new Error(`the compiled split helper ${fileURLToPath(url)} is missing: run \`npm run build\``);
  return url;
}

function theHelper(): Helper {
  if (helper) return helper;
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(helperEntry(), { workerData: { replies: port2 }, transferList: [port2] });
  worker.unref(); // an idle helper must not keep the process alive
  port1.unref();
  const h: Helper = { worker, replies: port1 };
  const forget = () => {
    if (helper === h) helper = null;
  };
  worker.on('error', forget);
  worker.on('exit', forget);
  helper = h;
  return h;
}

let calls = 0;

function drain(h: Helper): HelperReply[] {
  const got: HelperReply[] = [];
  for (let m = receiveMessageOnPort(h.replies); m; m = receiveMessageOnPort(h.replies)) got.push(m.message as HelperReply);
  return got;
}

/** The helper's reply to call `id`, once it has left the kernel; null if none comes within two seconds. */
function replyTo(h: Helper, id: number): HelperReply | null {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 200; i++) {
    const r = drain(h).find((m) => m.id === id);
    if (r) return r;
    Atomics.wait(pause, 0, 0, 10);
  }
  return null;
}

/**
 * Runs split kernel `fn` as part 0 here and part 1 on the helper. `args` are the kernel's arguments
 * after (part, parts, bar). Throws, in words, if either part failed; the arena stays usable.
 */
export function runSplit(arena: Arena, fn: keyof SplitExports, args: number[]): void {
  const k = arena.split;
  if (!k) throw new Error('runSplit needs a shared arena (new Arena(bytes, true))');
  const h = theHelper();
  drain(h); // replies of earlier calls that went well
  // the barrier block needs no reset between calls that went well: they leave it with no arrivals
  // and no abort (its generation is only ever compared for change)
  const id = ++calls;
  const request: HelperRequest = { id, arena: arena.id, module: arena.module, memory: arena.memory, fn, args: [1, SPLIT_PARTS, arena.barrier, ...args] };
  h.worker.postMessage(request);
  let failure: Error | null = null;
  try {
    if ((k[fn] as (...a: number[]) => number)(0, SPLIT_PARTS, arena.barrier, ...args) === 0) return;
  } catch (err) {
    failure = err as Error;
  }
  // release the helper if it waits for us, and hear what it has to say before reusing the barrier
  k.abortBarrier(arena.barrier);
  const reply = replyTo(h, id);
  if (!reply && helper === h) {
    // silent: it may be stuck or gone; the next call starts a new one
    helper = null;
    void h.worker.terminate();
  }
  new Int32Array(arena.memory.buffer, arena.barrier, 4).fill(0);
  if (failure) throw failure;
  const why = !reply ? 'it did not answer (it may have failed to start)' : reply.ok ? 'it stopped waiting' : reply.message;
  throw new Error(`the split ${fn} lost its helper thread: ${why}`);
}
