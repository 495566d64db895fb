// The helper thread of worker/wasm/split.ts: runs part 1 of a split kernel on the caller's shared
// memory. A shared memory arrives as a new object with every message, so each request gets its own
// instance (tens of microseconds; the module itself is compiled once).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { SplitExports } from './kernels.js';
import type { HelperReply, HelperRequest } from './split.js';

const replies = (workerData as { replies: MessagePort }).replies;
parentPort!.on('message', (req: HelperRequest) => {
  let reply: HelperReply = { id: req.id, ok: true };
  try {
    const k = new WebAssembly.Instance(req.module, { env: { memory: req.memory } }).exports as unknown as SplitExports;
    const rc = (k[req.fn] as (...a: number[]) => number)(...req.args);
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
