// The split backends cut one run between two threads; their results must be the bits of their
// one-thread twins (the conformance suite holds both to the reference; this holds them to each other).
import { describe, it, expect } from 'vitest';
import { NetworkSchema, RateModelSchema } from '../../common/spec.js';
import type { RunResult } from '../../common/results.js';
import { planRuns } from '../../main/plan.js';
import { runAll } from '../../main/scheduler.js';
import { readSpecFile } from '../../main/specs.js';
import { generateInput } from '../inputs.js';
import { buildNetwork } from '../network.js';
import { Rng } from '../rng.js';
import { Arena, wasmAvailable } from '../wasm/kernels.js';
import { runSplit } from '../wasm/split.js';
import { availableBackends } from './registry.js';
import {
  wasmBackend, wasmF32Backend, wasmF32FmaBackend, wasmF32FmaSplitBackend, wasmF32SplitBackend, wasmFmaBackend, wasmFmaSplitBackend, wasmSplitBackend,
} from './wasm.js';

const built = wasmAvailable('kernels-mt') && availableBackends().some((b) => b.name === 'wasm-split');
const fusedToo = availableBackends().some((b) => b.name === 'wasm-fma-split');

function identical(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe.runIf(built)('split backends', () => {
  const pairs = [
    [wasmBackend, wasmSplitBackend],
    [wasmF32Backend, wasmF32SplitBackend],
    ...(fusedToo ? ([[wasmFmaBackend, wasmFmaSplitBackend], [wasmF32FmaBackend, wasmF32FmaSplitBackend]] as const) : []),
  ];

  for (const [one, two] of pairs) {
    // dense N = 203 is cut at row 104, which the fused float32 product's seven-row blocks straddle
    for (const [n, p] of [[37, 0.1], [37, 1], [203, 0.1], [203, 0.6]] as const) {
      for (const form of ['li', 'esn'] as const) {
        it(`${two.name} = ${one.name} bit for bit: ${form}, N = ${n}, p = ${p}`, () => {
          const spec = NetworkSchema.parse({ n, p, heterogeneity: { family: 'lognormal', cv: 1 }, model: { kind: 'rate', form, noise: form === 'esn' ? 0.01 : 0 } });
          const net = buildNetwork(spec, 3, 5 + n);
          const input = generateInput([{ family: 'white' }, { family: 'sines' }, { family: 'coloured' }], 400, 6);
          const model = RateModelSchema.parse(spec.model);
          const a = one.simulateRate(model, net, input, 400, 8);
          const b = two.simulateRate(model, net, input, 400, 8);
          expect(a.some((v) => v !== 0)).toBe(true);
          expect(identical(b, a)).toBe(true);
        });
      }
    }
  }

  const productPairs = [[wasmSplitBackend, wasmBackend], ...(fusedToo ? [[wasmFmaSplitBackend, wasmFmaBackend]] : [])] as const;
  for (const [splitBackend, oneBackend] of productPairs) it(`${splitBackend.name} splits a large product (plain and symmetric) with the bits of ${oneBackend.name}`, () => {
    const rng = new Rng(12);
    // sizes past the split threshold (4e6 multiply-adds), ragged on purpose
    for (const [na, nb, len, symmetric] of [[70, 70, 1801, true], [61, 53, 1500, false]] as const) {
      // the same arrays in each backend's workspace, where both multiply in place
      const [s, p] = [splitBackend, oneBackend].map((backend) => {
        const ws = backend.workspace(na * len + nb * len + na * nb, 4);
        const a = ws.f64(na * len);
        return { a, b: symmetric ? a : ws.f64(nb * len), c: ws.f64(na * nb) };
      });
      for (let i = 0; i < s.a.length; i++) s.a[i] = p.a[i] = rng.normal();
      if (!symmetric) for (let i = 0; i < s.b.length; i++) s.b[i] = p.b[i] = rng.normal();
      const split = splitBackend.dotRows(s.a, na, len, s.b, nb, len, 3, len - 2, symmetric, s.c);
      const plain = oneBackend.dotRows(p.a, na, len, p.b, nb, len, 3, len - 2, symmetric, p.c);
      expect(split.some((v) => v !== 0)).toBe(true);
      expect(identical(split, plain)).toBe(true);
    }
  });

  it('a failing split call throws and the next one works', () => {
    const arena = new Arena(1 << 20, true);
    const c = arena.f64(64);
    // pointers past the end of memory: both parts trap
    expect(() => runSplit(arena, 'dotRowsSplit', [1 << 30, 8, 8, 1 << 30, 8, 8, 0, 8, c.byteOffset, 0])).toThrow(/out of bounds/);
    const a = arena.f64(16 * 100);
    a.fill(0.5);
    runSplit(arena, 'dotRowsSplit', [a.byteOffset, 16, 100, a.byteOffset, 4, 100, 0, 100, c.byteOffset, 0]);
    expect(c[0]).toBe(25);
    expect(c[16 * 4 - 1]).toBe(25);
  });

  it('runs an experiment on the pool with the results of the one-thread backend', async () => {
    const runs = planRuns(readSpecFile('test/fixtures/small-experiment.json')).slice(0, 4);
    const scores = (rs: RunResult[]) => JSON.stringify(rs.map((r) => r.scores));
    const plain = await runAll(runs, { threads: 2, backend: 'wasm' });
    const split = await runAll(runs, { threads: 2, backend: 'wasm-split' });
    expect(split.map((r) => r.backend)).toEqual(runs.map(() => 'wasm-split'));
    expect(scores(split)).toBe(scores(plain));
  });
});
