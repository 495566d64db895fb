// The helper thread of worker/wasm/split.ts: runs part 1 of a split kernel on the caller's shared
// memory. The instance for the arena of the last request is kept: a readout makes a dozen split
// calls on one arena, and a new instance per call cost more than the smaller products gained. (It
// keeps that arena's memory alive until a request for another arena comes: one arena at most.)
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { SplitExports } from './kernels.js';
import type { HelperReply, HelperRequest } from './split.js';

const replies = (workerData as { replies: MessagePort }).replies;
let last: { arena: number; k: SplitExports } | null = null;
parentPort!.on('message', (req: HelperRequest) => {
  let reply: HelperReply = { id: req.id, ok: true };
  try {
    if (last?.arena !== req.arena) {
      last = null; // let go of the previous arena first
      last = { arena: req.arena, k: new WebAssembly.Instance(req.module, { env: { memory: req.memory } }).exports as unknown as SplitExports };
    }
    const rc = (last.k[req.fn] as (...a: number[]) => number)(...req.args);
    if (rc !== 0) reply = { id: req.id, ok: false, message: 'the calling thread stopped waiting' };
  } catch (err) {
    // the caller waits at a barrier: release it
    const flags = new Int32Array(req.memory.buffer, req.args[2], 4);
    Atomics.store(flags, 2, 1);
    Atomics.notify(flags, 1);
    reply = { id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  replies.postMessage(reply);
});
