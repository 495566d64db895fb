// The GPU host broker and its HTTP side, with a stand-in host in this process: the page's own loop
// (renderer/src/gpu-host/host.ts) and HTTP transport, on gpu.js's CPU mode instead of WebGL2. The
// same kernels in the same mode as the gpujs-cpu backend, so an experiment on gpujs-webgl through
// the host must give gpujs-cpu's numbers exactly: what travels is not changed on the way.
// (test/e2e/gpu-host.test.ts runs the real page in Chromium.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GpuHostInfo, GpuSimulation } from '../common/gpu-host.js';
import { encodeFeatures } from '../common/gpu-host.js';
import { serveSimulations } from '../renderer/src/gpu-host/host.js';
import { httpTransport } from '../renderer/src/gpu-host/transport.js';
import type { Gpu } from '../worker/backends/gpujs-rate.js';
import { backendReport } from '../worker/backends/registry.js';
import { GpuHostBroker, STALE_MS, gpuHost, registerGpuHostBackend } from './gpu-host.js';

// as the app's main does, where it is put together
registerGpuHostBackend();
import { startServer, type RunningServer } from './serve.js';
import { QuenchService } from './service.js';

const gpuJs = (() => {
  try {
    return (createRequire(import.meta.url)('gpu.js') as { GPU: new (s: { mode: string }) => Gpu }).GPU;
  } catch {
    return null;
  }
})();

const WEBGL2: GpuHostInfo = { renderer: 'Test GPU', mode: 'webgl2', where: 'test' };
const model = { kind: 'rate', form: 'li', tauMeanSteps: 10, noise: 0 } as const;
function sim(n = 3, steps = 4): GpuSimulation {
  return { model, n, d: 1, steps, noiseSeed: 1, w: new Float64Array(n * n), u: new Float64Array(n), b: new Float64Array(n), tau: new Float64Array(n).fill(5), input: new Float64Array(steps) };
}

describe('GpuHostBroker', () => {
  it('without a host, the backend says why, in words, and a simulation fails at once', async () => {
    const b = new GpuHostBroker();
    expect(b.unavailable()).toMatch(/no GPU host is connected; .*hidden window.*quench serve/);
    await expect(b.simulate(sim())).rejects.toThrow(/backend "gpujs-webgl" is not available here: no GPU host is connected/);
  });

  it('a page without WebGL2 is refused, and the backend then names that as its reason', () => {
    const b = new GpuHostBroker();
    expect(() => b.connect({ renderer: 'none', mode: 'none', where: 'hidden window' })).toThrow(/"none" mode, not WebGL2/);
    expect(b.unavailable()).toMatch(/GPU host page \(hidden window\) found no WebGL2/);
  });

  it('hands a simulation to the host that asks, and resolves with its features as float64', async () => {
    const b = new GpuHostBroker();
    b.connect(WEBGL2);
    const asking = b.next(5000);
    const result = b.simulate(sim(2, 3));
    const work = (await asking)!;
    expect(work.maxAnswerBytes).toBeGreaterThanOrEqual(2 * 3 * 4);
    b.complete(work.id, encodeFeatures(work.id, 2, 3, Float32Array.from([1, 2, 3, 4, 5, 6.5])));
    expect(Array.from(await result)).toEqual([1, 2, 3, 4, 5, 6.5]);
    expect(() => b.complete(work.id, encodeFeatures(work.id, 2, 3, new Float32Array(6)))).toThrow(/no simulation \d+ is waiting/);
  });

  it('an answer of the wrong shape, or a failure, fails the simulation with what happened', async () => {
    const b = new GpuHostBroker();
    b.connect(WEBGL2);
    const first = b.simulate(sim(2, 3));
    const w1 = (await b.next(10))!;
    b.complete(w1.id, encodeFeatures(w1.id, 3, 2, new Float32Array(6)));
    await expect(first).rejects.toThrow(/answered simulation \d+ \(N = 2, 3 steps\) with features of \d+ \(N = 3, 2 steps\)/);
    const second = b.simulate(sim());
    const w2 = (await b.next(10))!;
    b.fail(w2.id, 'CONTEXT_LOST_WEBGL');
    await expect(second).rejects.toThrow(/could not run the simulation: CONTEXT_LOST_WEBGL/);
  });

  it('work taken by a page that reloads (connects again) or hung up is handed out again', async () => {
    const b = new GpuHostBroker();
    b.connect(WEBGL2);
    const result = b.simulate(sim(1, 1));
    const lost = (await b.next(10))!;
    b.connect(WEBGL2); // the page reloaded
    const again = (await b.next(10))!;
    expect(again.id).toBe(lost.id);
    b.giveBack(again.id); // the asker hung up before it got it
    const third = (await b.next(10))!;
    expect(third.id).toBe(lost.id);
    b.complete(third.id, encodeFeatures(third.id, 1, 1, Float32Array.of(0.5)));
    expect(Array.from(await result)).toEqual([0.5]);
  });

  it('a host that stops asking is dropped, failing what waited; a simulation past its time fails', async () => {
    let now = 1_000_000;
    const b = new GpuHostBroker(() => now);
    b.connect(WEBGL2);
    const taken = b.simulate(sim(10, 100));
    await b.next(10);
    now += 30_000;
    b.expire();
    expect(b.describe()).not.toBeNull(); // computing: within its time
    now += 31_000; // the budget of a small simulation is a minute
    b.expire();
    await expect(taken).rejects.toThrow(/did not answer a simulation of N = 10, 100 steps within 60 s/);
    expect(b.unavailable()).toMatch(/stopped asking for work 61 s ago/);
    await expect(b.next(10)).rejects.toThrow(/not connected .* reload it/);

    b.connect(WEBGL2);
    const queued = b.simulate(sim());
    now += STALE_MS + 1;
    b.expire();
    await expect(queued).rejects.toThrow(/the GPU host went away: .*stopped asking for work 45 s ago/);
  });
});

describe.runIf(gpuJs)('gpujs-webgl through `quench serve`, with the page\'s loop in this process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quench-gpu-broker-'));
  const fixture = JSON.parse(readFileSync('test/fixtures/small-experiment.json', 'utf8')) as unknown;
  let service: QuenchService;
  let server: RunningServer;
  const stop = new AbortController();

  beforeAll(async () => {
    const root = join(dir, 'renderer');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Quench</title>');
    service = new QuenchService({ archive: join(dir, 'archive.sqlite'), threads: 1 });
    server = await startServer({ service, root });
  });
  afterAll(async () => {
    stop.abort();
    gpuHost.disconnect('the test is over');
    await server.close();
    await service.close();
  });

  const post = (path: string, body?: BodyInit, token = server.token) =>
    fetch(`${server.origin}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body });

  it('refuses a caller without the token, and unknown calls', async () => {
    expect((await post('/gpu/hello', JSON.stringify(WEBGL2), 'wrong')).status).toBe(401);
    const unknown = await post('/gpu/nope');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toMatch(/they are \/gpu\/hello, \/gpu\/next/);
    const cpuMode = await post('/gpu/hello', JSON.stringify({ renderer: 'x', mode: 'cpu', where: 'tab' }));
    expect(cpuMode.status).toBeGreaterThanOrEqual(400);
    expect(((await cpuMode.json()) as { message: string }).message).toMatch(/not WebGL2/);
  });

  it('an answer larger than the simulation allows is refused (413) and fails its run in words; a late answer finds nothing', async () => {
    expect((await post('/gpu/hello', JSON.stringify(WEBGL2))).status).toBe(204);
    const asked = gpuHost.simulate(sim(4, 5));
    const failed = expect(asked).rejects.toThrow(/its answer could not be read \(the body \(\d+ bytes\) is larger than the \d+ bytes/);
    const next = await post('/gpu/next');
    expect(next.status).toBe(200);
    const id = Number(next.headers.get('X-Quench-Simulation'));
    await next.arrayBuffer();
    const tooBig = await post(`/gpu/result?id=${id}`, new Uint8Array(200_000));
    expect(tooBig.status).toBe(413);
    await failed;
    const late = await post(`/gpu/result?id=${id}`, new Uint8Array(8));
    expect(late.status).toBe(404);
    expect(((await late.json()) as { message: string }).message).toMatch(/no simulation \d+ is waiting/);
  });

  it('a cancel does not wait for a simulation the host has not answered', async () => {
    // a host that said hello and does not ask for work: the simulation waits in the queue
    expect((await post('/gpu/hello', JSON.stringify(WEBGL2))).status).toBe(204);
    const job = await service.startExperiment({ spec: fixture, backend: 'gpujs-webgl', ifArchived: 'new' });
    await new Promise((r) => setTimeout(r, 300));
    const t = performance.now();
    const cancelled = await service.cancelJob(job.id);
    expect(cancelled.state).toBe('cancelled');
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('an experiment on gpujs-webgl gives exactly the numbers of gpujs-cpu (same kernels, same mode)', async () => {
    const gpu = new gpuJs!({ mode: 'cpu' });
    const events: string[] = [];
    void serveSimulations(gpu, WEBGL2, httpTransport(server.token, server.origin), (e) => events.push(e.type), stop.signal);
    await expect.poll(() => gpuHost.describe()).toBe('WebGL2 on Test GPU (test)');
    expect(backendReport().find((b) => b.name === 'gpujs-webgl')).toMatchObject({ available: true, precision: 'float32' });

    const finished = async (id: string) => {
      await expect.poll(async () => (await service.listJobs()).find((j) => j.id === id)!.state, { timeout: 60_000 }).not.toBe('running');
      return (await service.listJobs()).find((j) => j.id === id)!;
    };
    const hosted = await finished((await service.startExperiment({ spec: fixture, backend: 'gpujs-webgl' })).id);
    expect(hosted).toMatchObject({ state: 'done', error: null, backend: 'gpujs-webgl (as asked)' });
    const local = await finished((await service.startExperiment({ spec: fixture, backend: 'gpujs-cpu', ifArchived: 'new' })).id);
    expect(local.state).toBe('done');
    const runs = async (id: string) => (await service.listRuns({ experiments: [id], limit: 100 })).rows.sort((a, b) => a.run_index - b.run_index);
    const a = await runs(hosted.experimentId);
    const b = await runs(local.experimentId);
    expect(a.length).toBe(6);
    expect(a.map((r) => r.backend)).toEqual(a.map(() => 'gpujs-webgl'));
    expect(a.map((r) => r.mean_capacity)).toEqual(b.map((r) => r.mean_capacity));
    expect(events.filter((t) => t === 'simulated').length).toBe(6);
  }, 120_000);

});
