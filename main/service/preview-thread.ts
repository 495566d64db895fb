// Worker-thread entry for the eigenvalues of network previews (O(N^3): seconds at N = 1000), so
// the process that serves the window or the HTTP API stays responsive. No Electron, no database.
import { parentPort } from 'node:worker_threads';
import type { ApiError, SpectrumPreview } from '../../common/api.js';
import type { NetworkSpec } from '../../common/spec.js';
import { toApiError } from './errors.js';
import { networkPreviewPart, type PreviewPart } from './preview.js';

export type ToPreview = { spec: NetworkSpec; seed: number; part: PreviewPart };
export type FromPreview = { ok: true; value: Partial<SpectrumPreview> } | { ok: false; error: ApiError };

if (!parentPort) throw new Error('main/service/preview-thread.ts must run as a worker thread');
const port = parentPort;
port.once('message', (msg: ToPreview) => {
  let reply: FromPreview;
  try {
    reply = { ok: true, value: networkPreviewPart(msg.spec, msg.seed, msg.part) };
  } catch (err) {
    reply = { ok: false, error: toApiError(err) };
  }
  port.postMessage(reply);
  port.close();
});
