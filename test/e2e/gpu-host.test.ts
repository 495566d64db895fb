// The gpujs-webgl backend end to end: `quench serve` in this process, the GPU host page in Chromium
// (its WebGL2 is SwiftShader here, a real GPU on a desktop), simulations handed to it over HTTP.
// The conformance cases of worker/backends/conformance.test.ts run through the page against the
// TypeScript reference (float32 tolerance); an experiment runs on the backend and its capacities
// are compared with the same experiment on the CPU; the app lists the backend and names it on the job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { JobStatus } from '../../common/api.js';
import { NetworkSchema, RateModelSchema } from '../../common/spec.js';
import { gpuHost } from '../../main/gpu-host.js';
import { registerGpuHostBackend } from '../../main/gpu-host.js';
import { startServer, type RunningServer } from '../../main/serve.js';
import { QuenchService } from '../../main/service.js';
import { referenceRate } from '../../worker/backends/reference.js';
import { generateInput } from '../../worker/inputs.js';
import { buildNetwork } from '../../worker/network.js';
import { hasChromium, launch, shot } from './harness.js';

const gpuJs = (() => {
  try {
    createRequire(import.meta.url).resolve('gpu.js');
    return true;
  } catch {
    return false;
  }
})();
const ready = hasChromium && gpuJs && existsSync('dist/renderer/gpu-host.html');
const fixture = JSON.parse(readFileSync('test/fixtures/small-experiment.json', 'utf8')) as unknown;

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m / Math.max(scale, 1e-300);
}

describe.runIf(ready)('gpujs-webgl: rate simulations on a GPU host page', () => {
  let service: QuenchService;
  let server: RunningServer;
  let browser: Browser;
  let host: Page;

  async function finished(job: JobStatus): Promise<JobStatus> {
    for (let i = 0; i < 600; i++) {
      const j = (await service.listJobs()).find((x) => x.id === job.id)!;
      if (j.state !== 'running') return j;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the job did not finish in 2 minutes');
  }

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quench-gpu-host-'));
    process.env.QUENCH_CALIBRATION = join(dir, 'calibration.json');
    // as the app's main does, where it is put together
    registerGpuHostBackend();
    service = new QuenchService({ archive: join(dir, 'archive.sqlite'), threads: 1 });
    server = await startServer({ service });
    browser = await launch();
    host = await browser.newPage();
    await host.goto(server.gpuHostUrl);
    for (let i = 0; i < 300 && gpuHost.describe() === null; i++) await new Promise((r) => setTimeout(r, 100));
    if (gpuHost.describe() === null) throw new Error(`the GPU host page did not connect in 30 s; it says: ${await host.locator('main').innerText()}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    gpuHost.disconnect('the test is over');
    await server?.close();
    await service?.close();
  });

  it('the page finds WebGL2, connects, and the backend becomes available with its GPU named', async () => {
    await expect.poll(() => host.locator('#link').innerText()).toMatch(/connected \(browser tab\)/);
    const renderer = await host.locator('#gpu').innerText();
    expect(renderer.length).toBeGreaterThan(3);
    const info = await service.info();
    expect(info.backends).toContain('gpujs-webgl');
    expect(info.gpuHost).toBe(`WebGL2 on ${renderer} (browser tab)`);
    // the token left the address bar
    expect(host.url()).not.toContain('token=');
  });

  for (const form of ['li', 'esn'] as const) {
    for (const p of [0.1, 0.5]) {
      for (const noise of [0, 0.01]) {
        it(`conformance: rate ${form}, p = ${p}, noise ${noise} matches the reference over 300 steps within float32's 1e-4`, async () => {
          const spec = NetworkSchema.parse({ n: 40, p, heterogeneity: { family: 'gamma', cv: 0.8 }, model: { kind: 'rate', form, noise } });
          const net = buildNetwork(spec, 3, 17);
          const input = generateInput([{ family: 'white' }, { family: 'coloured' }, { family: 'sines' }], 300, 5);
          const model = RateModelSchema.parse(spec.model);
          const ours = await gpuHost.simulate({ model, n: net.n, d: net.d, steps: 300, noiseSeed: 99, w: net.w, u: net.u, b: net.b, tau: net.tau, input });
          const diff = maxRelDiff(ours, referenceRate(model, net, input, 300, 99));
          expect(diff).toBeLessThan(1e-4);
          expect(diff).toBeGreaterThan(0); // float32 on the GPU: not the float64 reference's bits
        }, 30_000);
      }
    }
  }

  it('an experiment runs on gpujs-webgl, and its capacities match the CPU run of the same spec', async () => {
    const onGpu = await finished(await service.startExperiment({ spec: fixture, backend: 'gpujs-webgl' }));
    expect(onGpu.error).toBeNull();
    expect(onGpu.state).toBe('done');
    expect(onGpu.backend).toBe('gpujs-webgl (as asked)');
    const onCpu = await finished(await service.startExperiment({ spec: fixture, backend: 'cpu', ifArchived: 'new' }));
    expect(onCpu.state).toBe('done');
    const runs = async (id: string) => (await service.listRuns({ experiments: [id], limit: 100 })).rows.sort((a, b) => a.run_index - b.run_index);
    const gpu = await runs(onGpu.experimentId);
    const cpu = await runs(onCpu.experimentId);
    expect(gpu.map((r) => r.backend)).toEqual(gpu.map(() => 'gpujs-webgl'));
    expect(gpu.length).toBe(cpu.length);
    for (let i = 0; i < gpu.length; i++) expect(Math.abs(gpu[i].mean_capacity! - cpu[i].mean_capacity!)).toBeLessThan(1e-3);
  }, 150_000);

  it('the app lists gpujs-webgl as a backend to choose, with the GPU host named', async () => {
    const app = await browser.newPage({ viewport: { width: 1320, height: 900 } });
    await app.goto(server.url);
    await app.getByRole('link', { name: /Experiments/ }).click();
    const select = app.getByLabel('Backend for the runs you start');
    await expect.poll(() => select.locator('option[value="gpujs-webgl"]').count(), { timeout: 15_000 }).toBe(1);
    expect(await select.locator('option[value="gpujs-webgl"]').isDisabled()).toBe(false);
    await select.selectOption('gpujs-webgl');
    await expect.poll(() => app.locator('#backend-help').innerText()).toMatch(/float32[\s\S]*GPU host: WebGL2 on/);
    await shot(app, 'gpu-host-backend-choice');
    await app.close();
  }, 60_000);
});
