// Pieces of a pretend engine for the development client (?fake=1): a seeded generator, time-constant
// draws, the task-suite expansion and task signals. Plausible numbers for designing and screenshotting
// the views, not the real science: the real engine lives in worker/ and is reached through the api.
import type { TaskDef } from '../../../common/api.js';

export function rng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function normal(r: () => number): number {
  let u = r();
  while (u <= 1e-12) u = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

function gamma(r: () => number, shape: number): number {
  if (shape < 1) return gamma(r, shape + 1) * Math.pow(r(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(r);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = r();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** One draw of z (mean 1, CV c) from a family of science.md §2. */
export function drawZ(family: string, c: number, r: () => number, empirical?: number[]): number {
  switch (family) {
    case 'uniform':
      return 1 + Math.sqrt(3) * c * (2 * r() - 1);
    case 'normal':
      return 1 + c * normal(r);
    case 'lognormal': {
      const s2 = Math.log(1 + c * c);
      return Math.exp(-s2 / 2 + Math.sqrt(s2) * normal(r));
    }
    case 'gamma':
      return c === 0 ? 1 : gamma(r, 1 / (c * c)) * c * c;
    case 'reflected-lognormal': {
      const s2 = Math.log(1 + c * c);
      return 2 - Math.exp(-s2 / 2 + Math.sqrt(s2) * normal(r));
    }
    case 'empirical': {
      if (!empirical || empirical.length === 0) return 1;
      const m = empirical.reduce((a, b) => a + b, 0) / empirical.length;
      return empirical[Math.floor(r() * empirical.length)]! / m;
    }
    default:
      return 1;
  }
}

export function moments(xs: number[]): { mean: number; cv: number; skewness: number; min: number; max: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m3 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  const sd = Math.sqrt(m2);
  return { mean, cv: mean ? sd / mean : 0, skewness: sd > 0 ? m3 / (sd * sd * sd) : 0, min: Math.min(...xs), max: Math.max(...xs) };
}

// ---------------------------------------------------------------------------------------------
// task suite expansion (the same order and ids as worker/tasks.ts)

type Fam = Record<string, unknown> & { family: string };
const STATIC: Record<string, { nonlinearity: number; parity: TaskDef['parity'] }> = {
  sin: { nonlinearity: 3, parity: 'odd' },
  abs: { nonlinearity: 2, parity: 'even' },
  cube: { nonlinearity: 3, parity: 'odd' },
};
const PREDICTABLE = new Set(['coloured', 'sines', 'mackey-glass', 'lorenz']);

export function expandSuite(suite: { families: Fam[] }, channels: { family?: string }[]): TaskDef[] {
  const D = channels.length;
  const out: TaskDef[] = [];
  const seen = new Set<string>();
  const distinct = <T>(xs: T[]) => [...new Set(xs)];
  const chans = (sel: unknown) => (sel === undefined || sel === 'all' ? Array.from({ length: D }, (_, k) => k) : distinct(sel as number[]));
  const pairs: [number, number][] = [];
  for (let k = 0; k < D; k++) for (let l = k + 1; l < D; l++) pairs.push([k, l]);
  const push = (t: Omit<TaskDef, 'classification'> & { classification?: boolean }) => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    out.push({ ...t, classification: t.classification ?? false });
  };
  for (const f of suite.families) {
    switch (f.family) {
      case 'delay':
        for (const k of chans(f.channels)) for (const d of distinct(f.delays as number[])) push({ id: `delay/c${k}/d${d}`, family: 'delay', channels: [k], memoryDepth: d, nonlinearity: 1, parity: 'odd', params: { d } });
        break;
      case 'legendre':
        for (const k of chans(f.channels))
          for (const n of distinct(f.degrees as number[]))
            for (const d of distinct(f.delays as number[]))
              push({ id: `legendre/c${k}/n${n}/d${d}`, family: 'legendre', channels: [k], memoryDepth: d, nonlinearity: n, parity: n % 2 ? 'odd' : 'even', params: { n, d } });
        break;
      case 'product':
      case 'xor': {
        const ds = distinct(f.delays as number[]).sort((a, b) => a - b);
        for (const [k, l] of pairs)
          for (let i = 0; i < ds.length; i++)
            for (let j = i; j < ds.length; j++)
              push({ id: `${f.family}/c${k}c${l}/d${ds[i]}-${ds[j]}`, family: f.family, channels: [k, l], memoryDepth: ds[j]!, nonlinearity: 2, parity: 'even', classification: f.family === 'xor', params: { d1: ds[i]!, d2: ds[j]! } });
        break;
      }
      case 'window':
        for (const kind of distinct((f.kinds as string[] | undefined) ?? ['mean', 'difference']))
          for (const k of chans(f.channels))
            for (const w of distinct(f.windows as number[])) push({ id: `window/${kind}/c${k}/w${w}`, family: 'window', channels: [k], memoryDepth: w, nonlinearity: 1, parity: 'odd', params: { kind, w } });
        break;
      case 'narma': {
        const c = (f.channel as number | undefined) ?? 0;
        for (const n of distinct(f.orders as number[])) push({ id: c === 0 ? `narma/n${n}` : `narma/c${c}/n${n}`, family: 'narma', channels: [c], memoryDepth: n, nonlinearity: 2, parity: 'mixed', params: { n } });
        break;
      }
      case 'forecast':
        for (const k of chans(f.channels)) {
          if (!PREDICTABLE.has(channels[k]?.family ?? 'white')) continue;
          for (const h of distinct(f.horizons as number[])) push({ id: `forecast/c${k}/h${h}`, family: 'forecast', channels: [k], memoryDepth: h, nonlinearity: 1, parity: 'odd', params: { h } });
        }
        break;
      case 'static':
        for (const fn of distinct((f.functions as string[] | undefined) ?? ['sin', 'abs', 'cube']))
          for (const k of chans(f.channels)) push({ id: `static/${fn}/c${k}`, family: 'static', channels: [k], memoryDepth: 0, ...STATIC[fn]!, params: { fn } });
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// input streams and targets

export function inputStream(family: string, timescale: number | undefined, steps: number, r: () => number): number[] {
  const out: number[] = [];
  switch (family) {
    case 'coloured': {
      const a = Math.exp(-1 / (timescale ?? 10));
      let x = 0;
      for (let t = 0; t < steps; t++) {
        x = a * x + Math.sqrt(1 - a * a) * normal(r);
        out.push(Math.max(-1, Math.min(1, x / 2)));
      }
      return out;
    }
    case 'sines': {
      const f = [1 / 23, 1 / 37, 1 / 61].map((x) => x * (0.8 + 0.4 * r()));
      for (let t = 0; t < steps; t++) out.push(f.reduce((s, w) => s + Math.sin(2 * Math.PI * w * t), 0) / 3);
      return out;
    }
    case 'hold': {
      let v = 2 * r() - 1;
      for (let t = 0; t < steps; t++) {
        if (r() < 1 / (timescale ?? 10)) v = 2 * r() - 1;
        out.push(v);
      }
      return out;
    }
    case 'pulses':
      for (let t = 0; t < steps; t++) out.push(r() < 1 / (timescale ?? 10) ? 1 : 0);
      return out;
    case 'mackey-glass':
    case 'lorenz': {
      let x = 0;
      let y = 1;
      for (let t = 0; t < steps; t++) {
        x += 0.2 * y;
        y -= 0.2 * Math.sin(x) + 0.02 * y;
        out.push(Math.sin(x));
      }
      return out;
    }
    default:
      for (let t = 0; t < steps; t++) out.push(2 * r() - 1);
      return out;
  }
}

function legendre(n: number, x: number): number {
  let p0 = 1;
  let p1 = x;
  if (n === 0) return 1;
  for (let k = 1; k < n; k++) {
    const p2 = ((2 * k + 1) * x * p1 - k * p0) / (k + 1);
    p0 = p1;
    p1 = p2;
  }
  return Math.sqrt(2 * n + 1) * p1;
}

export function targetOf(task: TaskDef, input: number[][]): number[] {
  const T = input[0]?.length ?? 0;
  const s = (k: number, t: number) => (t >= 0 && t < T ? input[k]![t]! : 0);
  const p = task.params;
  const k = task.channels[0]!;
  const l = task.channels[1] ?? k;
  const y: number[] = [];
  switch (task.family) {
    case 'delay':
      for (let t = 0; t < T; t++) y.push(s(k, t - Number(p.d)));
      break;
    case 'legendre':
      for (let t = 0; t < T; t++) y.push(legendre(Number(p.n), s(k, t - Number(p.d))));
      break;
    case 'product':
      for (let t = 0; t < T; t++) y.push(s(k, t - Number(p.d1)) * s(l, t - Number(p.d2)));
      break;
    case 'xor':
      for (let t = 0; t < T; t++) y.push(Math.sign(s(k, t - Number(p.d1)) * s(l, t - Number(p.d2))));
      break;
    case 'window': {
      const w = Number(p.w);
      for (let t = 0; t < T; t++) {
        if (p.kind === 'difference') y.push(s(k, t) - s(k, t - w));
        else {
          let m = 0;
          for (let i = 0; i < w; i++) m += s(k, t - i);
          y.push(m / w);
        }
      }
      break;
    }
    case 'narma': {
      const n = Number(p.n);
      const beta = n <= 10 ? 0.05 : 0.5 / n;
      const u = (t: number) => (s(k, t) + 1) / 4;
      const ys: number[] = [0];
      for (let t = 0; t < T; t++) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += ys[t - i] ?? 0;
        const next = Math.min(1, 0.3 * ys[t]! + beta * ys[t]! * sum + 1.5 * u(t - n + 1) * u(t) + 0.1);
        ys.push(next);
        y.push(next);
      }
      break;
    }
    case 'forecast':
      for (let t = 0; t < T; t++) y.push(s(k, t + Number(p.h)));
      break;
    case 'static':
      for (let t = 0; t < T; t++) {
        const v = s(k, t);
        y.push(p.fn === 'sin' ? Math.sin(Math.PI * v) : p.fn === 'abs' ? Math.abs(v) : v * v * v);
      }
      break;
  }
  return y;
}
