// The GPU host page (gpu-host.html): checks for WebGL2, names the GPU, then serves simulations
// (host.ts) and shows what it has done. In the desktop app it is a hidden window; with `quench
// serve`, a tab a user opens on a machine whose browser reaches a GPU.
import { GPU } from 'gpu.js';
import type { GpuHostInfo } from '../../../common/gpu-host.js';
import type { Gpu } from '../../../worker/backends/gpujs-rate.js';
import { serveSimulations } from './host.js';
import { pageTransport } from './transport.js';

const show = (id: string, text: string) => {
  const el = document.getElementById(id);
  if (el) el.textContent = text;
};

/** The WebGL renderer string (unmasked where the browser allows it), or null without WebGL2. */
function rendererName(): string | null {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
}

async function start(): Promise<void> {
  const transport = pageTransport();
  const renderer = rendererName();
  if (!renderer || !GPU.isWebGL2Supported) {
    show('gpu', 'not available');
    // tell Quench, so that the backend says why it cannot run
    await transport.hello({ renderer: 'none', mode: 'none', where: transport.where }).catch(() => {});
    throw new Error('this browser offers no WebGL2 (or it is turned off): the gpujs-webgl backend cannot run here');
  }
  const gpu = new GPU({ mode: 'webgl2' }) as unknown as Gpu;
  show('gpu', renderer);
  const info: GpuHostInfo = { renderer, mode: gpu.mode, where: transport.where };
  let done = 0;
  let failed = 0;
  await serveSimulations(gpu, info, transport, (e) => {
    if (e.type === 'connected') {
      show('link', `connected (${transport.where})`);
      show('problem', '');
    } else if (e.type === 'simulated') {
      done++;
      show('done', `${done} done${failed ? `, ${failed} failed` : ''}`);
      show('last', `N = ${e.n}, ${e.steps} steps in ${e.seconds.toFixed(2)} s (${Math.round(e.steps / e.seconds)} steps/s)`);
    } else if (e.type === 'failed') {
      failed++;
      show('done', `${done} done, ${failed} failed`);
      show('problem', `simulation ${e.id} failed: ${e.message}`);
    } else {
      show('link', 'not connected: retrying every 3 s');
      show('problem', e.message);
    }
  });
}

start().catch((e: unknown) => show('problem', e instanceof Error ? e.message : String(e)));
