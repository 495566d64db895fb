// Task suite (docs/model.md §5): expands a suite's families over channels and parameters into
// TaskDefs, and computes each task's target signal from the input history.
//
// Conventions: input is time-major (s_k(t) at input[t * D + k]); a target is one value per step,
// out[t] for t in [0, T). Values that need input history before t = 0 use s = 0. Every target
// at t depends on inputs up to t only, except forecast (s_k(t + h); 0 beyond the end of the stream).
//
// Expansion order (fixed, no random element): families in the order the suite lists them; within
// a family, loops nest in the order of the id's fields:
//   delay     channel, d                    id delay/c0/d5
//   legendre  channel, n, d                 id legendre/c1/n3/d10
//   product   pair k < l, d1 <= d2          id product/c0c2/d2-6
//   window    kind, channel, w              id window/mean/c0/w4
//   narma     n                             id narma/n10 (channel 0) or narma/c1/n10 (other channels)
//   forecast  channel, h                    id forecast/c1/h3
//   xor       pair k < l, d1 <= d2          id xor/c0c1/d0-4
//   static    function, channel             id static/sin/c2
// Channel and parameter lists keep their listed order with repeats dropped; product and xor use
// the sorted distinct delays so that d1 <= d2. A task whose id already occurs earlier in the suite
// (the same family listed twice with overlapping grids) is dropped: equal ids mean equal targets.
//
// Coordinates:
//   memoryDepth   delay d; legendre d; product d2; window w; narma n; forecast h; xor d2; static 0.
//   nonlinearity  polynomial degree of the target in the input: delay 1, legendre n, product 2,
//                 window 1 (mean and difference are linear), narma 2 (the lowest-order input term
//                 u(t-n+1) u(t); the recursion makes it higher), forecast 1, xor 2 (sign of a
//                 degree-2 product), static sin 3 (first odd nonlinear Taylor term of sin(pi s)),
//                 abs 2 (even, like s^2), cube 3.
//   parity        under s -> -s of the whole input history: delay odd; legendre odd for odd n, even
//                 for even n; product even; window odd; narma mixed (u = (s + 1) / 4 has a constant
//                 part); forecast odd; xor even; static sin odd, abs even, cube odd.
//   classification  xor only.
//
// NARMA-n: u(t) = (s_c(t) + 1) / 4 in [0, 0.5] (u = 0.25 before t = 0, i.e. s = 0),
//   y(t+1) = 0.3 y(t) + beta y(t) sum_{i=0}^{n-1} y(t-i) + 1.5 u(t-n+1) u(t) + 0.1,
//   beta = 0.05 for n <= 10, 0.5 / n above; y(t) = 0 for t <= 0; the target at t is y(t+1).
//   Since u >= 0 and y(0) = 0, y >= 0.1 from t = 1 on.
//   Divergence guard: y(t+1) is clipped to at most NARMA_Y_MAX = 1. Checked numerically with white
//   input (200 seeds x 20000 steps, unguarded): NARMA-10 diverged to infinity in 21 of 200 runs
//   (first blow-up after 2031 steps; the recursion has an unstable fixed point near y = 1.03 for
//   this input law, and the input noise occasionally pushes y across it); NARMA-20 and NARMA-30
//   never diverged (largest y 1.04 and 0.94), nor did NARMA-5 (0.81). Inputs that stay near
//   their maximum for a while (a constant s = 1, a slow sine) make NARMA-10/20/30 diverge within
//   ~100 steps. With the cap, no run diverges; the cap is active on 205 of 4e6 white-input steps
//   for n = 10, 5 for n = 20 and none for n = 30 (and for n = 5). Below 1 the recursion is
//   unchanged, and from the cap y falls back once the input's product term is small, so the target
//   never locks at 1. With slow channels the cap matters more (seed 1, T = 3200, n = 10: hold 566
//   capped steps, lorenz 539, coloured 165, sines 33, mackey-glass 0), so NARMA on such channels
//   is a saturated variant; narma() returns the number of capped steps.
import { QuenchError } from '../common/errors.js';
import type { ChannelSpec, SuiteSpec, TaskFamilyName, TaskFamilySpec } from '../common/spec.js';
import { isPredictable } from './inputs.js';
import type { Parity, TaskDef } from './types.js';

export const TASK_FAMILIES: readonly TaskFamilyName[] = ['delay', 'legendre', 'product', 'window', 'narma', 'forecast', 'xor', 'static'];

export const NARMA_Y_MAX = 1;

const STATIC_FNS = ['sin', 'abs', 'cube'] as const;
type StaticFn = (typeof STATIC_FNS)[number];
const STATIC_COORDS: Record<StaticFn, { nonlinearity: number; parity: Parity }> = {
  sin: { nonlinearity: 3, parity: 'odd' },
  abs: { nonlinearity: 2, parity: 'even' },
  cube: { nonlinearity: 3, parity: 'odd' },
};

function distinct<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function sortedDistinct(xs: readonly number[]): number[] {
  return distinct(xs).sort((a, b) => a - b);
}

function resolveChannels(sel: 'all' | number[] | undefined, D: number, family: string): number[] {
  if (sel === undefined || sel === 'all') return Array.from({ length: D }, (_, k) => k);
  for (const k of sel) {
    if (!Number.isInteger(k) || k < 0 || k >= D) {
      throw new QuenchError('spec', `task family "${family}" selects channel ${k}, but the input has ${D} channel(s) (0..${D - 1})`);
    }
  }
  return distinct(sel);
}

function pairs(D: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < D; k++) for (let l = k + 1; l < D; l++) out.push([k, l]);
  return out;
}

function familyTasks(f: TaskFamilySpec, channels: ChannelSpec[]): TaskDef[] {
  const D = channels.length;
  const out: TaskDef[] = [];
  const task = (t: Omit<TaskDef, 'classification'> & { classification?: boolean }): void => {
    out.push({ ...t, classification: t.classification ?? false });
  };
  switch (f.family) {
    case 'delay':
      for (const k of resolveChannels(f.channels, D, f.family))
        for (const d of distinct(f.delays))
          task({ id: `delay/c${k}/d${d}`, family: 'delay', channels: [k], memoryDepth: d, nonlinearity: 1, parity: 'odd', params: { d } });
      break;
    case 'legendre':
      for (const k of resolveChannels(f.channels, D, f.family))
        for (const n of distinct(f.degrees))
          for (const d of distinct(f.delays))
            task({
              id: `legendre/c${k}/n${n}/d${d}`,
              family: 'legendre',
              channels: [k],
              memoryDepth: d,
              nonlinearity: n,
              parity: n % 2 === 1 ? 'odd' : 'even',
              params: { n, d },
            });
      break;
    case 'product':
    case 'xor': {
      const ds = sortedDistinct(f.delays);
      const xor = f.family === 'xor';
      for (const [k, l] of pairs(D))
        for (let i = 0; i < ds.length; i++)
          for (let j = i; j < ds.length; j++) {
            const d1 = ds[i]!;
            const d2 = ds[j]!;
            task({
              id: `${f.family}/c${k}c${l}/d${d1}-${d2}`,
              family: f.family,
              channels: [k, l],
              memoryDepth: d2,
              nonlinearity: 2,
              parity: 'even',
              classification: xor,
              params: { d1, d2 },
            });
          }
      break;
    }
    case 'window': {
      const chans = resolveChannels(f.channels, D, f.family);
      for (const kind of distinct(f.kinds ?? ['mean', 'difference']))
        for (const k of chans)
          for (const w of distinct(f.windows))
            task({ id: `window/${kind}/c${k}/w${w}`, family: 'window', channels: [k], memoryDepth: w, nonlinearity: 1, parity: 'odd', params: { kind, w } });
      break;
    }
    case 'narma': {
      const c = f.channel ?? 0;
      resolveChannels([c], D, f.family);
      for (const n of distinct(f.orders))
        task({ id: c === 0 ? `narma/n${n}` : `narma/c${c}/n${n}`, family: 'narma', channels: [c], memoryDepth: n, nonlinearity: 2, parity: 'mixed', params: { n } });
      break;
    }
    case 'forecast':
      for (const k of resolveChannels(f.channels, D, f.family)) {
        if (!isPredictable(channels[k]!.family ?? 'white')) continue;
        for (const h of distinct(f.horizons))
          task({ id: `forecast/c${k}/h${h}`, family: 'forecast', channels: [k], memoryDepth: h, nonlinearity: 1, parity: 'odd', params: { h } });
      }
      break;
    case 'static': {
      const chans = resolveChannels(f.channels, D, f.family);
      for (const fn of distinct(f.functions ?? [...STATIC_FNS]))
        for (const k of chans) task({ id: `static/${fn}/c${k}`, family: 'static', channels: [k], memoryDepth: 0, ...STATIC_COORDS[fn], params: { fn } });
      break;
    }
  }
  return out;
}

/** Expands a suite over the input's channels (deterministic; see the order above). */
export function buildSuite(suite: SuiteSpec, channels: ChannelSpec[]): TaskDef[] {
  const seen = new Set<string>();
  const out: TaskDef[] = [];
  for (const f of suite.families) {
    for (const t of familyTasks(f, channels)) {
      if (seen.has(t.id)) continue;
      seen.add(t.id);
      out.push(t);
    }
  }
  return out;
}

/** Number of tasks per family (every family named, 0 when absent). */
export function suiteCounts(tasks: TaskDef[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of TASK_FAMILIES) counts[f] = 0;
  for (const t of tasks) counts[t.family] = (counts[t.family] ?? 0) + 1;
  return counts;
}

/** sqrt(2n + 1) P_n(x): the Legendre polynomial normalised to unit mean square on [-1, 1]. */
export function normalisedLegendre(n: number, x: number): number {
  let p0 = 1;
  if (n === 0) return 1;
  let p1 = x;
  for (let k = 1; k < n; k++) {
    const p2 = ((2 * k + 1) * x * p1 - k * p0) / (k + 1);
    p0 = p1;
    p1 = p2;
  }
  return Math.sqrt(2 * n + 1) * p1;
}

/**
 * NARMA-n driven by the series s (values in [-1, 1]): out[t] = y(t+1), capped at NARMA_Y_MAX
 * (see the top of this file). Returns how many steps the cap changed.
 */
export function narma(s: (t: number) => number, n: number, T: number, out: Float64Array): number {
  const beta = n <= 10 ? 0.05 : 0.5 / n;
  // y(t - i) for i = 0..n-1 in a ring buffer; yRing[t % n] = y(t); y(t) = 0 for t <= 0
  const yRing = new Float64Array(n);
  let sumY = 0; // sum_{i=0}^{n-1} y(t - i)
  let y = 0; // y(t)
  let clipped = 0;
  const u = (t: number): number => (t >= 0 ? (s(t) + 1) / 4 : 0.25);
  for (let t = 0; t < T; t++) {
    let next = 0.3 * y + beta * y * sumY + 1.5 * u(t - n + 1) * u(t) + 0.1;
    if (!(next <= NARMA_Y_MAX)) {
      next = NARMA_Y_MAX;
      clipped++;
    }
    out[t] = next;
    // advance: y(t+1) enters the window, y(t+1-n) leaves it
    const slot = (t + 1) % n;
    sumY += next - yRing[slot]!;
    yRing[slot] = next;
    y = next;
  }
  return clipped;
}

function num(task: TaskDef, key: string): number {
  const v = task.params[key];
  if (typeof v !== 'number') throw new QuenchError('internal', `task ${task.id} lacks numeric parameter "${key}"`);
  return v;
}

/** Whether the input, the buffer and the task's channels fit one another (else an error in words). */
function checkTarget(task: TaskDef, input: Float64Array, T: number, D: number, out: Float64Array): void {
  if (input.length < T * D) throw new QuenchError('internal', `input holds ${input.length} values; ${T} steps x ${D} channels need ${T * D}`);
  if (out.length < T) throw new QuenchError('internal', `target buffer holds ${out.length} values; need ${T}`);
  for (const k of task.channels) {
    if (!Number.isInteger(k) || k < 0 || k >= D) throw new QuenchError('spec', `task ${task.id} uses channel ${k}, but the input has ${D} channel(s)`);
  }
}

/** Fills out[0..T) with task's target computed from the time-major input (T steps x D channels). O(T). */
export function computeTarget(task: TaskDef, input: Float64Array, T: number, D: number, out: Float64Array): void {
  checkTarget(task, input, T, D, out);
  const k = task.channels[0]!;
  // s_k(t) with s = 0 before the start; callers never ask beyond T except forecast (handled there)
  const s = (ch: number, t: number): number => (t >= 0 ? input[t * D + ch]! : 0);
  switch (task.family) {
    case 'delay': {
      // s(k, t - d) without the call per step (the suite's most numerous family)
      const d = num(task, 'd');
      const start = Math.min(Math.max(d, 0), T);
      out.fill(0, 0, start);
      for (let t = start, i = (start - d) * D + k; t < T; t++, i += D) out[t] = input[i]!;
      return;
    }
    case 'legendre': {
      const n = num(task, 'n');
      const d = num(task, 'd');
      for (let t = 0; t < T; t++) out[t] = normalisedLegendre(n, s(k, t - d));
      return;
    }
    case 'product':
    case 'xor': {
      const l = task.channels[1]!;
      const d1 = num(task, 'd1');
      const d2 = num(task, 'd2');
      if (task.family === 'product') {
        for (let t = 0; t < T; t++) out[t] = s(k, t - d1) * s(l, t - d2);
      } else {
        for (let t = 0; t < T; t++) out[t] = s(k, t - d1) * s(l, t - d2) < 0 ? -1 : 1;
      }
      return;
    }
    case 'window': {
      const w = num(task, 'w');
      const kind = task.params['kind'];
      if (kind === 'mean') {
        let sum = 0; // sum of s_k(t - w + 1 .. t)
        for (let t = 0; t < T; t++) {
          sum += s(k, t) - s(k, t - w);
          out[t] = sum / w;
        }
      } else if (kind === 'difference') {
        for (let t = 0; t < T; t++) out[t] = s(k, t) - s(k, t - w);
      } else {
        throw new QuenchError('spec', `task ${task.id}: unknown window kind "${String(kind)}"`);
      }
      return;
    }
    case 'narma':
      narma((t) => input[t * D + k]!, num(task, 'n'), T, out);
      return;
    case 'forecast': {
      const h = num(task, 'h');
      for (let t = 0; t < T; t++) out[t] = t + h < T ? input[(t + h) * D + k]! : 0;
      return;
    }
    case 'static': {
      const fn = task.params['fn'];
      if (fn === 'sin') for (let t = 0; t < T; t++) out[t] = Math.sin(Math.PI * s(k, t));
      else if (fn === 'abs') for (let t = 0; t < T; t++) out[t] = Math.abs(s(k, t));
      else if (fn === 'cube')
        for (let t = 0; t < T; t++) {
          const v = s(k, t);
          out[t] = v * v * v;
        }
      else throw new QuenchError('spec', `task ${task.id}: unknown static function "${String(fn)}"`);
      return;
    }
  }
}

/**
 * Targets of all tasks, K x T row-major: task j at [j * T, (j + 1) * T). Each task's row is
 * computeTarget's, bit for bit; the Legendre tasks of one channel and degree differ only by their
 * delay, so their polynomial (a recurrence with a division per degree, the suite's costliest target)
 * is evaluated once per step for all of them and shifted: a fifth of the work at the default suite.
 */
export function computeTargets(tasks: TaskDef[], input: Float64Array, T: number, D: number): Float64Array {
  const out = new Float64Array(tasks.length * T);
  const legendre = new Map<string, Float64Array>();
  for (let j = 0; j < tasks.length; j++) {
    const task = tasks[j]!;
    const row = out.subarray(j * T, (j + 1) * T);
    if (task.family !== 'legendre') {
      computeTarget(task, input, T, D, row);
      continue;
    }
    checkTarget(task, input, T, D, row);
    const k = task.channels[0]!;
    const n = num(task, 'n');
    const d = num(task, 'd');
    const key = `${k}|${n}`;
    let series = legendre.get(key);
    if (!series) {
      series = new Float64Array(T);
      for (let t = 0; t < T; t++) series[t] = normalisedLegendre(n, input[t * D + k]!);
      legendre.set(key, series);
    }
    // s_k(t - d) = 0 before the input starts, as computeTarget
    const before = normalisedLegendre(n, 0);
    for (let t = 0; t < T; t++) row[t] = t - d >= 0 ? series[t - d]! : before;
  }
  return out;
}
