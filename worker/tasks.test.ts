import { describe, it, expect } from 'vitest';
import { QuenchError } from '../common/errors.js';
import { DEFAULT_SUITE, type ChannelSpec, type SuiteSpec } from '../common/spec.js';
import { generateInput } from './inputs.js';
import { Rng } from './rng.js';
import { NARMA_Y_MAX, buildSuite, computeTarget, computeTargets, narma, normalisedLegendre, suiteCounts } from './tasks.js';
import type { TaskDef } from './types.js';

const WHITE3: ChannelSpec[] = [{ family: 'white' }, { family: 'white' }, { family: 'white' }];

describe('buildSuite', () => {
  it('expands the default suite to 397 tasks with D = 3 white channels', () => {
    const tasks = buildSuite(DEFAULT_SUITE, WHITE3);
    expect(tasks.length).toBe(397);
    expect(suiteCounts(tasks)).toEqual({ delay: 123, legendre: 60, product: 63, window: 120, narma: 4, forecast: 0, xor: 18, static: 9 });
    expect(new Set(tasks.map((t) => t.id)).size).toBe(397);
    // deterministic
    expect(buildSuite(DEFAULT_SUITE, WHITE3)).toEqual(tasks);
  });

  it('gives readable ids and coordinates', () => {
    const tasks = buildSuite(DEFAULT_SUITE, WHITE3);
    const byId = new Map(tasks.map((t) => [t.id, t]));
    expect(byId.get('delay/c0/d5')).toMatchObject({ family: 'delay', channels: [0], memoryDepth: 5, nonlinearity: 1, parity: 'odd', classification: false, params: { d: 5 } });
    expect(byId.get('legendre/c1/n3/d10')).toMatchObject({ channels: [1], memoryDepth: 10, nonlinearity: 3, parity: 'odd', params: { n: 3, d: 10 } });
    expect(byId.get('legendre/c1/n4/d10')).toMatchObject({ nonlinearity: 4, parity: 'even' });
    expect(byId.get('product/c0c2/d2-6')).toMatchObject({ channels: [0, 2], memoryDepth: 6, nonlinearity: 2, parity: 'even', params: { d1: 2, d2: 6 } });
    expect(byId.has('product/c0c2/d6-2')).toBe(false);
    expect(byId.get('window/mean/c0/w4')).toMatchObject({ memoryDepth: 4, nonlinearity: 1, parity: 'odd', params: { kind: 'mean', w: 4 } });
    expect(byId.get('window/difference/c2/w40')).toMatchObject({ memoryDepth: 40, params: { kind: 'difference', w: 40 } });
    expect(byId.get('narma/n10')).toMatchObject({ channels: [0], memoryDepth: 10, nonlinearity: 2, parity: 'mixed', params: { n: 10 } });
    expect(byId.get('xor/c0c1/d0-4')).toMatchObject({ channels: [0, 1], memoryDepth: 4, nonlinearity: 2, parity: 'even', classification: true, params: { d1: 0, d2: 4 } });
    expect(byId.get('static/sin/c2')).toMatchObject({ channels: [2], memoryDepth: 0, nonlinearity: 3, parity: 'odd', params: { fn: 'sin' } });
    expect(byId.get('static/abs/c2')).toMatchObject({ nonlinearity: 2, parity: 'even' });
    expect(byId.get('static/cube/c0')).toMatchObject({ nonlinearity: 3, parity: 'odd' });
    expect(tasks.filter((t) => t.classification).every((t) => t.family === 'xor')).toBe(true);
  });

  it('adds forecast tasks only for predictable channels', () => {
    const tasks = buildSuite(DEFAULT_SUITE, [{ family: 'white' }, { family: 'lorenz' }, { family: 'white' }]);
    const counts = suiteCounts(tasks);
    expect(counts['forecast']).toBe(20);
    expect(tasks.length).toBe(417);
    const f = tasks.filter((t) => t.family === 'forecast');
    expect(f.every((t) => t.channels[0] === 1)).toBe(true);
    expect(f.map((t) => t.id)).toContain('forecast/c1/h3');
    const h3 = f.find((t) => t.id === 'forecast/c1/h3')!;
    expect(h3).toMatchObject({ memoryDepth: 3, nonlinearity: 1, parity: 'odd', params: { h: 3 } });
    // pulses and hold are not forecastable
    const none = buildSuite(DEFAULT_SUITE, [{ family: 'pulses' }, { family: 'hold' }, { family: 'white' }]);
    expect(suiteCounts(none)['forecast']).toBe(0);
  });

  it('expands product and xor over channel pairs k < l and d1 <= d2, with D channels', () => {
    const suite: SuiteSpec = { name: 's', version: 1, families: [{ family: 'product', delays: [4, 0, 2, 2] }, { family: 'xor', delays: [1] }] };
    const tasks = buildSuite(suite, [{}, {}, {}, {}] as ChannelSpec[]);
    // 6 pairs x (3 delays -> 6 ordered pairs d1 <= d2) + 6 pairs x 1
    expect(suiteCounts(tasks)).toMatchObject({ product: 36, xor: 6 });
    expect(tasks[0]!.id).toBe('product/c0c1/d0-0');
    expect(tasks.every((t) => Number(t.params['d1']) <= Number(t.params['d2']))).toBe(true);
    expect(buildSuite(suite, [{ family: 'white' }]).length).toBe(0);
  });

  it('drops tasks repeated by overlapping grids', () => {
    const suite: SuiteSpec = {
      name: 's',
      version: 1,
      families: [
        { family: 'delay', channels: 'all', delays: [0, 1, 2] },
        { family: 'delay', channels: [1], delays: [2, 3, 3] },
      ],
    };
    const ids = buildSuite(suite, WHITE3).map((t) => t.id);
    expect(ids.length).toBe(10);
    expect(new Set(ids).size).toBe(10);
  });

  it('throws a spec error naming a channel index beyond D', () => {
    const bad = (families: SuiteSpec['families']): (() => TaskDef[]) => () => buildSuite({ name: 'x', version: 1, families }, WHITE3);
    expect(bad([{ family: 'delay', channels: [0, 3], delays: [1] }])).toThrow(QuenchError);
    expect(bad([{ family: 'delay', channels: [0, 3], delays: [1] }])).toThrow(/"delay".*channel 3/);
    expect(bad([{ family: 'static', channels: [7], functions: ['sin'] }])).toThrow(/"static".*channel 7/);
    expect(bad([{ family: 'narma', channel: 5, orders: [10] }])).toThrow(/"narma".*channel 5/);
    expect(bad([{ family: 'forecast', channels: [4], horizons: [1] }])).toThrow(/"forecast".*channel 4/);
    try {
      bad([{ family: 'window', channels: [9], windows: [2], kinds: ['mean'] }])();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(QuenchError);
      expect((e as QuenchError).kind).toBe('spec');
    }
  });
});

// Hand-written input: T = 12 steps, D = 2 channels (time-major).
const S0 = [0.5, -0.2, 0.8, -1, 0.3, 0.6, -0.4, 0.1, 0.9, -0.7, 0.2, -0.5];
const S1 = [-0.3, 0.7, 0.1, 0.4, -0.9, 0.2, 0.5, -0.6, 0.3, 0.8, -0.1, 0.6];
const T = 12;
const D = 2;
const INPUT = new Float64Array(T * D);
for (let t = 0; t < T; t++) {
  INPUT[t * D] = S0[t]!;
  INPUT[t * D + 1] = S1[t]!;
}

const HAND_SUITE: SuiteSpec = {
  name: 'hand',
  version: 1,
  families: [
    { family: 'delay', channels: [0], delays: [0, 2] },
    { family: 'legendre', channels: [0, 1], degrees: [2, 3], delays: [0, 1] },
    { family: 'product', delays: [1, 2] },
    { family: 'window', channels: [0], windows: [2, 3], kinds: ['mean', 'difference'] },
    { family: 'narma', channel: 0, orders: [2] },
    { family: 'forecast', channels: 'all', horizons: [3] },
    { family: 'xor', delays: [0, 1] },
    { family: 'static', channels: [1], functions: ['sin', 'abs', 'cube'] },
  ],
};
// channel 1 is "coloured" so it gets a forecast task; the values come from INPUT regardless
const HAND_TASKS = buildSuite(HAND_SUITE, [{ family: 'white' }, { family: 'coloured' }]);

function target(id: string): number[] {
  const task = HAND_TASKS.find((t) => t.id === id);
  if (!task) throw new Error(`no task ${id}`);
  const out = new Float64Array(T);
  computeTarget(task, INPUT, T, D, out);
  return Array.from(out);
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i], `step ${i}`).toBeCloseTo(expected[i]!, 12);
}

describe('computeTarget on a hand-written input', () => {
  it('delay', () => {
    expect(target('delay/c0/d0')).toEqual(S0);
    expect(target('delay/c0/d2')).toEqual([0, 0, 0.5, -0.2, 0.8, -1, 0.3, 0.6, -0.4, 0.1, 0.9, -0.7]);
  });

  it('legendre n = 2 and 3 (closed forms), with s = 0 before the start', () => {
    const p2 = (x: number): number => (Math.sqrt(5) * (3 * x * x - 1)) / 2;
    const p3 = (x: number): number => (Math.sqrt(7) * (5 * x ** 3 - 3 * x)) / 2;
    expectClose(target('legendre/c0/n2/d0'), S0.map(p2));
    expectClose(target('legendre/c1/n3/d0'), S1.map(p3));
    const d1 = target('legendre/c1/n2/d1');
    expect(d1[0]).toBeCloseTo(-Math.sqrt(5) / 2, 12);
    expect(d1[3]).toBeCloseTo(p2(0.1), 12);
    expect(d1[3]).toBeCloseTo((Math.sqrt(5) * (0.03 - 1)) / 2, 12);
    expect(target('legendre/c0/n3/d1')[0]).toBeCloseTo(0, 15);
    expect(target('legendre/c0/n3/d1')[2]).toBeCloseTo((Math.sqrt(7) * (5 * -0.008 + 0.6)) / 2, 12);
    // the recurrence against the closed forms for n = 4, 5
    for (const x of [-1, -0.37, 0, 0.5, 0.91]) {
      expect(normalisedLegendre(4, x)).toBeCloseTo((3 * (35 * x ** 4 - 30 * x * x + 3)) / 8, 12);
      expect(normalisedLegendre(5, x)).toBeCloseTo((Math.sqrt(11) * (63 * x ** 5 - 70 * x ** 3 + 15 * x)) / 8, 12);
    }
  });

  it('product s0(t - d1) * s1(t - d2)', () => {
    // d1 = 1, d2 = 2
    expectClose(target('product/c0c1/d1-2').slice(0, 6), [0, 0, -0.2 * -0.3, 0.8 * 0.7, -1 * 0.1, 0.3 * 0.4]);
    expectClose(target('product/c0c1/d2-2').slice(0, 5), [0, 0, 0.5 * -0.3, -0.2 * 0.7, 0.8 * 0.1]);
  });

  it('window mean over the last w steps (including t) and difference s(t) - s(t - w)', () => {
    expectClose(target('window/mean/c0/w3').slice(0, 6), [0.5 / 3, 0.1, 1.1 / 3, -0.4 / 3, 0.1 / 3, -0.1 / 3]);
    expectClose(target('window/mean/c0/w2').slice(9, 12), [0.1, -0.25, -0.15]);
    expectClose(target('window/difference/c0/w2').slice(0, 6), [0.5, -0.2, 0.3, -0.8, -0.5, 1.6]);
    expectClose(target('window/difference/c0/w3').slice(0, 4), [0.5, -0.2, 0.8, -1.5]);
  });

  it('xor: sign of the delayed product, 0 maps to +1', () => {
    expect(target('xor/c0c1/d0-1')).toEqual([1, 1, 1, -1, 1, -1, -1, 1, -1, -1, 1, 1]);
    expect(target('xor/c0c1/d0-0')).toEqual([-1, -1, 1, -1, -1, 1, -1, -1, 1, -1, -1, -1]);
  });

  it('static sin(pi s), |s|, s^3', () => {
    expectClose(target('static/sin/c1').slice(0, 3), [Math.sin(-0.3 * Math.PI), Math.sin(0.7 * Math.PI), Math.sin(0.1 * Math.PI)]);
    expectClose(target('static/abs/c1').slice(0, 3), [0.3, 0.7, 0.1]);
    expectClose(target('static/cube/c1').slice(0, 3), [-0.027, 0.343, 0.001]);
  });

  it('narma n = 2: target at t is y(t + 1), by hand', () => {
    // u = (s + 1) / 4: u(-1) = 0.25 (s = 0 before the start), u(0) = 0.375, u(1) = 0.2, u(2) = 0.45
    const y1 = 1.5 * 0.25 * 0.375 + 0.1; // y(0) = y(-1) = 0
    const y2 = 0.3 * y1 + 0.05 * y1 * (y1 + 0) + 1.5 * 0.375 * 0.2 + 0.1;
    const y3 = 0.3 * y2 + 0.05 * y2 * (y2 + y1) + 1.5 * 0.2 * 0.45 + 0.1;
    expect(y1).toBeCloseTo(0.240625, 15);
    expect(y2).toBeCloseTo(0.28758251953125, 14);
    expectClose(target('narma/n2').slice(0, 3), [y1, y2, y3]);
  });

  it('forecast s(t + h), 0 beyond the end', () => {
    expect(HAND_TASKS.some((t) => t.id === 'forecast/c0/h3')).toBe(false);
    expect(target('forecast/c1/h3')).toEqual([...S1.slice(3), 0, 0, 0]);
  });

  it('computeTargets stacks task-major rows', () => {
    const all = computeTargets(HAND_TASKS, INPUT, T, D);
    expect(all.length).toBe(HAND_TASKS.length * T);
    const j = HAND_TASKS.findIndex((t) => t.id === 'delay/c0/d2');
    expect(Array.from(all.subarray(j * T, (j + 1) * T))).toEqual(target('delay/c0/d2'));
    const k = HAND_TASKS.findIndex((t) => t.id === 'static/cube/c1');
    expect(Array.from(all.subarray(k * T, (k + 1) * T))).toEqual(target('static/cube/c1'));
  });

  it('computeTargets is computeTarget task by task, bit for bit (the shared Legendre series included)', () => {
    // the default suite at an odd length shorter than its longest delays, and Legendre edges: degrees
    // 1 and 20, odd degrees (whose value before the input starts is -0), delays of none, the whole run
    // and beyond it (delay and Legendre rows are shifted copies), an input holding zeros and -0
    const edges = buildSuite(
      {
        name: 'l',
        version: 1,
        families: [
          { family: 'legendre', channels: [0, 2], degrees: [1, 3, 7, 20], delays: [0, 1, 40, 500] },
          { family: 'delay', channels: [1, 2], delays: [0, 1, 100, 101, 500] },
        ],
      },
      WHITE3,
    );
    const tasks = [...buildSuite(DEFAULT_SUITE, WHITE3), ...edges];
    const TT = 101;
    const rng = new Rng(7);
    const x = new Float64Array(TT * 3);
    for (let i = 0; i < x.length; i++) x[i] = i % 11 === 0 ? 0 : i % 13 === 0 ? -0 : 2 * rng.uniform() - 1;
    const all = computeTargets(tasks, x, TT, 3);
    const one = new Float64Array(TT);
    let differing = 0;
    tasks.forEach((task, j) => {
      computeTarget(task, x, TT, 3, one);
      for (let t = 0; t < TT; t++) if (!Object.is(all[j * TT + t], one[t])) differing++;
    });
    expect(differing).toBe(0);
    // the edges are there: -0 before the start of an odd degree, and the delay past the run
    const j = tasks.findIndex((t) => t.id === 'legendre/c2/n3/d500');
    expect(Object.is(all[j * TT + TT - 1], -0)).toBe(true);
  });

  it('rejects a task whose channel is beyond the input', () => {
    const task = buildSuite({ name: 'x', version: 1, families: [{ family: 'delay', channels: [2], delays: [0] }] }, WHITE3)[0]!;
    expect(() => computeTarget(task, INPUT, T, D, new Float64Array(T))).toThrow(/channel 2/);
  });
});

describe('parity', () => {
  it('a sign flip of the input negates odd targets and keeps even ones (every default task)', () => {
    const tasks = buildSuite(DEFAULT_SUITE, WHITE3);
    const TT = 300;
    const rng = new Rng(99);
    const x = new Float64Array(TT * 3);
    for (let i = 0; i < x.length; i++) x[i] = 2 * rng.uniform() - 1;
    const flipped = x.map((v) => -v);
    const a = computeTargets(tasks, x, TT, 3);
    const b = computeTargets(tasks, flipped, TT, 3);
    let checked = 0;
    for (let j = 0; j < tasks.length; j++) {
      const { parity, id } = tasks[j]!;
      let maxOdd = 0;
      let maxEven = 0;
      let scale = 0;
      for (let t = 0; t < TT; t++) {
        const p = a[j * TT + t]!;
        const q = b[j * TT + t]!;
        maxOdd = Math.max(maxOdd, Math.abs(p + q));
        maxEven = Math.max(maxEven, Math.abs(p - q));
        scale = Math.max(scale, Math.abs(p));
      }
      expect(scale, id).toBeGreaterThan(0);
      if (parity === 'odd') expect(maxOdd, id).toBeLessThan(1e-12);
      else if (parity === 'even') expect(maxEven, id).toBeLessThan(1e-12);
      else {
        // mixed: neither symmetry holds
        expect(maxOdd, id).toBeGreaterThan(1e-3);
        expect(maxEven, id).toBeGreaterThan(1e-3);
      }
      checked++;
    }
    expect(checked).toBe(397);
  });
});

describe('normalisedLegendre', () => {
  it('is sqrt(2n + 1) P_n(x), with unit mean square on [-1, 1]', () => {
    // (degrees 2 to 5 against their closed forms: computeTarget above)
    for (const x of [-1, -0.6, 0, 0.3, 0.9, 1]) {
      expect(normalisedLegendre(0, x)).toBe(1);
      expect(normalisedLegendre(1, x)).toBeCloseTo(Math.sqrt(3) * x, 14);
    }
    // mean square over [-1, 1] by the midpoint rule
    for (const n of [1, 2, 5]) {
      let ms = 0;
      const m = 20000;
      for (let i = 0; i < m; i++) ms += normalisedLegendre(n, -1 + (2 * (i + 0.5)) / m) ** 2 / m;
      expect(ms, `n = ${n}`).toBeCloseTo(1, 5);
    }
  });
});

describe('narma stability', () => {
  const whiteDrive = (seed: number, TT: number): ((t: number) => number) => {
    const x = generateInput([{ family: 'white' }], TT, seed);
    return (t) => x[t]!;
  };

  it('NARMA-20 and NARMA-30 stay bounded on white input over 20000 steps', () => {
    for (const n of [20, 30]) {
      for (const seed of [1, 2, 3]) {
        const out = new Float64Array(20000);
        const clipped = narma(whiteDrive(seed, 20000), n, 20000, out);
        let max = -Infinity;
        let min = Infinity;
        for (const v of out) {
          max = Math.max(max, v);
          min = Math.min(min, v);
        }
        expect(Number.isFinite(max) && Number.isFinite(min)).toBe(true);
        expect(min).toBeGreaterThanOrEqual(0.1);
        expect(max).toBeLessThanOrEqual(NARMA_Y_MAX);
        expect(clipped, `n=${n} seed=${seed}`).toBeLessThan(5);
      }
    }
  });

  it('follows the recursion written out directly, for n up to 10 (beta 0.05) and above (beta 0.5 / n)', () => {
    // y(t+1) = 0.3 y(t) + beta y(t) sum_{i<n} y(t-i) + 1.5 u(t-n+1) u(t) + 0.1, y(t <= 0) = 0,
    // u = (s + 1) / 4 (0.25 before the start), capped at 1; here over plain arrays, no ring buffer
    const reference = (s: (t: number) => number, n: number, TT: number): { y: number[]; capped: number } => {
      const beta = n <= 10 ? 0.05 : 0.5 / n;
      const u = (t: number) => (t >= 0 ? (s(t) + 1) / 4 : 0.25);
      const y = new Map<number, number>(); // y(t) for t >= 1
      const yAt = (t: number) => (t >= 1 ? y.get(t)! : 0);
      let capped = 0;
      for (let t = 0; t < TT; t++) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += yAt(t - i);
        let next = 0.3 * yAt(t) + beta * yAt(t) * sum + 1.5 * u(t - n + 1) * u(t) + 0.1;
        if (next > 1) {
          next = 1;
          capped++;
        }
        y.set(t + 1, next);
      }
      return { y: Array.from({ length: TT }, (_, t) => yAt(t + 1)), capped };
    };
    const drive = whiteDrive(4, 400);
    for (const n of [1, 3, 10, 11, 20]) {
      const out = new Float64Array(400);
      const capped = narma(drive, n, 400, out);
      const want = reference(drive, n, 400);
      for (let t = 0; t < 400; t++) expect(out[t], `n = ${n}, t = ${t}`).toBeCloseTo(want.y[t]!, 12);
      expect(capped).toBe(want.capped);
    }
    // a drive that saturates: the cap and its count agree too
    const high = (t: number) => (t % 50 < 40 ? 1 : -1);
    for (const n of [10, 20]) {
      const out = new Float64Array(400);
      const capped = narma(high, n, 400, out);
      const want = reference(high, n, 400);
      expect(capped, `n = ${n}`).toBe(want.capped);
      expect(capped).toBeGreaterThan(0);
      for (let t = 0; t < 400; t++) expect(out[t]).toBeCloseTo(want.y[t]!, 12);
    }
  });

  it('the cap keeps NARMA-10 finite where the raw recursion diverges (input held at its maximum)', () => {
    const out = new Float64Array(2000);
    const clipped = narma(() => 1, 10, 2000, out);
    expect(clipped).toBeGreaterThan(0);
    expect(Math.max(...out)).toBeLessThanOrEqual(NARMA_Y_MAX);
    // and falls back once the drive is small again
    const back = new Float64Array(2000);
    narma((t) => (t < 1000 ? 1 : -1), 10, 2000, back);
    expect(back[999]).toBe(NARMA_Y_MAX);
    expect(back[1999]!).toBeLessThan(0.5);
  });
});
