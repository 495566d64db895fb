// The "-fma" backends: their products really are fused (else the name would promise arithmetic the
// machine did not do), they differ from the unfused backends only by rounding, and the plain builds
// keep two roundings.
import { describe, it, expect } from 'vitest';
import { LifModelSchema, NetworkSchema, RateModelSchema } from '../../common/spec.js';
import { generateInput } from '../inputs.js';
import { buildNetwork } from '../network.js';
import { Arena, fusedHere, wasmAvailable } from '../wasm/kernels.js';
import { availableBackends, backendReport } from './registry.js';
import { wasmF32Backend, wasmF32FmaBackend, wasmFmaBackend, wasmBackend, wasmSplitBackend } from './wasm.js';

const fused = availableBackends().some((b) => b.name === 'wasm-fma');
const a = 1 + 2 ** -12;
const c = -(1 + 2 ** -11);

describe.runIf(wasmAvailable())('fused multiply-add', () => {
  it('the plain builds round twice: (1 + 2^-12)^2 - (1 + 2^-11) is 0', () => {
    expect(new Arena(0).k.multiplyAdd(a, a, c)).toBe(0);
    expect(new Arena(0, true).k.multiplyAdd(a, a, c)).toBe(0);
  });

  it('the -fma backends are offered exactly where the fused build rounds once', () => {
    // (the native backends too stand on the fused build: worker/backends/native.test.ts)
    const report = backendReport().filter((b) => b.name.startsWith('wasm') && b.name.includes('-fma'));
    expect(report.map((b) => b.name)).toEqual(['wasm-fma', 'wasm-f32-fma', 'wasm-fma-split', 'wasm-f32-fma-split']);
    if (!wasmAvailable('kernels-fma')) {
      for (const b of report) expect(b.reason).toMatch(/not built|relaxed SIMD/);
      return;
    }
    const once = fusedHere();
    expect(new Arena(0, false, true).k.multiplyAdd(a, a, c)).toBe(once ? 2 ** -24 : 0);
    expect(report[0].available).toBe(once);
    if (!once) expect(report[0].reason).toMatch(/no fused multiply-add/);
  });

  describe.runIf(fused)('where the CPU fuses', () => {
    for (const [plain, fma] of [[wasmBackend, wasmFmaBackend], [wasmF32Backend, wasmF32FmaBackend]] as const) {
      it(`${fma.name} differs from ${plain.name} by rounding only (dense N = 64, 200 steps)`, () => {
        const spec = NetworkSchema.parse({ n: 64, p: 1, heterogeneity: { family: 'lognormal', cv: 1 } });
        const net = buildNetwork(spec, 3, 9);
        const input = generateInput([{ family: 'white' }, { family: 'white' }, { family: 'sines' }], 200, 4);
        const model = RateModelSchema.parse(spec.model);
        const x = plain.simulateRate(model, net, input, 200, 1);
        const y = fma.simulateRate(model, net, input, 200, 1);
        let differ = 0;
        let worst = 0;
        for (let i = 0; i < x.length; i++) {
          if (x[i] !== y[i]) differ++;
          worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
        // many states differ in their last bits (the products are rounded once, not twice; 39 % of
        // them in float64 when this was written) ...
        expect(differ).toBeGreaterThan(x.length / 10);
        // ... and by no more than the precision allows
        expect(worst).toBeLessThan(plain.precision === 'float32' ? 1e-4 : 1e-12);
      });
    }
  });
});

describe.runIf(wasmAvailable())('simulation memory reuse', () => {
  const spec = NetworkSchema.parse({ n: 30, p: 0.2, heterogeneity: { family: 'gamma', cv: 0.5 } });
  const net = buildNetwork(spec, 1, 3);
  const model = RateModelSchema.parse(spec.model);
  const input = generateInput([{ family: 'white' }], 500, 2);
  const input2 = generateInput([{ family: 'white' }], 500, 3);

  it('a reusing simulation gives the fresh one\'s numbers in the last one\'s memory', () => {
    const fresh = wasmBackend.simulateRate(model, net, input, 500, 1);
    const first = wasmBackend.simulateRate(model, net, input, 500, 1, true);
    const copy = Float64Array.from(first);
    expect(Array.from(first)).toEqual(Array.from(fresh));
    const second = wasmBackend.simulateRate(model, net, input2, 400, 1, true);
    expect(second.buffer).toBe(first.buffer);
    expect(Array.from(second)).toEqual(Array.from(wasmBackend.simulateRate(model, net, input2, 400, 1)));
    // the first result was overwritten (the caller had said it was done with it) ...
    expect(Array.from(first.subarray(0, 400 * 30))).not.toEqual(Array.from(copy.subarray(0, 400 * 30)));
    // ... but a result taken without reuse never is
    const kept = Float64Array.from(fresh);
    wasmBackend.simulateRate(model, net, input2, 500, 1, true);
    expect(Array.from(fresh)).toEqual(Array.from(kept));
  });

  it.runIf(availableBackends().some((b) => b.name === 'wasm-split'))('a split backend takes its shared memory back after a LIF run on plain memory', () => {
    const lifSpec = NetworkSchema.parse({ n: 30, p: 0.2, model: { kind: 'lif' } });
    const lifNet = buildNetwork(lifSpec, 1, 3);
    const lifModel = LifModelSchema.parse(lifSpec.model);
    const rate = () => Array.from(wasmSplitBackend.simulateRate(model, net, input, 500, 1, true));
    // a longer LIF run than the rate run: its memory is large enough to be handed to the rate run
    const lifInput = generateInput([{ family: 'white' }], 2000, 5);
    const lif = () => wasmSplitBackend.simulateLif(lifModel, lifNet, lifInput, 2000, 4, true);
    const fresh = Array.from(wasmBackend.simulateRate(model, net, input, 500, 1));
    lif(); // plain memory kept ...
    expect(rate()).toEqual(fresh); // ... which the split rate run must not take
    lif();
    expect(rate()).toEqual(fresh);
  });

  it('a larger simulation gets new memory', () => {
    const small = wasmBackend.simulateRate(model, net, input, 100, 1, true);
    const large = wasmBackend.simulateRate(model, net, generateInput([{ family: 'white' }], 20000, 2), 20000, 1, true);
    expect(large.buffer).not.toBe(small.buffer);
    expect(large.length).toBe(20000 * 30);
  });
});
