// The kernels again, plus versions that split one run's work between threads sharing this module's
// (shared) memory. Compiled separately, with atomics, to dist/worker/wasm/kernels-mt.wasm; the
// plain build (kernels.wasm) has no atomics. Each thread calls the same export with its own part
// number; the parts meet at a barrier in shared memory (see worker/wasm/split.ts for the host side).
export * from './kernels';
import { dotRowsPart, mirrorRows, rateStepRows } from './kernels';

// barrier block, 16 bytes at bar: [0] arrivals, [4] generation, [8] abort flag, [12] sleepers
const SPINS_BEFORE_WAIT = 1 << 16;
/** 1 ms waits after the spinning; a partner silent for this many waits is given up (about 20 s) */
const WAITS_BEFORE_GIVING_UP = 20000;

/** Waits for every party. Returns false when a party aborted or the partner never came. */
function arrive(bar: usize, parties: i32): bool {
  if (parties == 1) return true;
  const gen = atomic.load<i32>(bar, 4);
  if (atomic.add<i32>(bar, 1) == parties - 1) {
    atomic.store<i32>(bar, 0);
    atomic.add<i32>(bar, 1, 4);
    // a notify costs a call into the runtime, about the price of a small step: only for sleepers
    if (atomic.load<i32>(bar, 12) != 0) atomic.notify(bar + 4);
    return atomic.load<i32>(bar, 8) == 0;
  }
  let spins = 0;
  let waits = 0;
  while (atomic.load<i32>(bar, 4) == gen) {
    if (atomic.load<i32>(bar, 8) != 0) return false;
    if (++spins > SPINS_BEFORE_WAIT) {
      // registered before the wait: an arrival after this sees the sleeper, one before it changed
      // the generation, and the wait then returns at once
      atomic.add<i32>(bar, 1, 12);
      atomic.wait<i32>(bar + 4, gen, 1000000);
      atomic.sub<i32>(bar, 1, 12);
      if (++waits > WAITS_BEFORE_GIVING_UP) {
        atomic.store<i32>(bar, 1, 8);
        atomic.notify(bar + 4);
        return false;
      }
    }
  }
  return atomic.load<i32>(bar, 8) == 0;
}

/** Tells the other parties to stop at their next barrier (the host calls it when a part fails). */
export function abortBarrier(bar: usize): void {
  atomic.store<i32>(bar, 1, 8);
  atomic.notify(bar + 4);
}

/** First row of part `part` of `parts`, a multiple of 8 (see rateStepRows); `even` 1 cuts rows evenly, 0 cuts a triangle's area evenly */
function cut(n: i32, part: i32, parts: i32, even: i32): i32 {
  if (part <= 0) return 0;
  if (part >= parts) return n;
  const f = <f64>part / <f64>parts;
  // a symmetric product's row i costs n - i: equal areas put the cut at n (1 - sqrt(1 - f))
  const at = even ? <f64>n * f : <f64>n * (1 - Math.sqrt(1 - f));
  const c = <i32>Math.round(at / 8) * 8;
  return min(max(c, 0), n);
}

// simulateRate (kernels.ts) with the neurons cut into `parts` row blocks, this thread doing block
// `part`. r and its float32 copy are double-buffered (r0/r1, rf0/rf1): while one part writes step
// t's rates another may still be reading step t - 1's. Returns 0, or 1 if the parts lost each other.
export function simulateRateSplit(
  part: i32, parts: i32, bar: usize,
  esn: i32, steps: i32, n: i32, d: i32,
  dense: i32, w: usize, rowPtr: usize, colIdx: usize, values: usize,
  u: usize, b: usize, leak: usize, input: usize, noise: usize,
  x: usize, r0: usize, r1: usize, rf0: usize, rf1: usize, h: usize, out: usize,
): i32 {
  const i0 = cut(n, part, parts, 1);
  const i1 = cut(n, part + 1, parts, 1);
  if (part == 0) {
    memory.fill(x, 0, <usize>n << 3);
    memory.fill(r0, 0, <usize>n << 3);
    if (dense == 2) memory.fill(rf0, 0, <usize>n << 2);
  }
  if (!arrive(bar, parts)) return 1;
  for (let t = 0; t < steps; t++) {
    const odd = t & 1;
    rateStepRows(esn, t, n, d, dense, w, rowPtr, colIdx, values, u, b, leak, input, noise, x,
      odd ? r1 : r0, odd ? r0 : r1, odd ? rf1 : rf0, odd ? rf0 : rf1, h, out, i0, i1);
    if (!arrive(bar, parts)) return 1;
  }
  return 0;
}

// dotRows (kernels.ts) with C's rows cut into `parts` blocks of equal work. Returns 0 or 1 as above.
export function dotRowsSplit(part: i32, parts: i32, bar: usize, a: usize, na: i32, lda: i32, b: usize, nb: i32, ldb: i32, t0: i32, t1: i32, c: usize, symmetric: i32): i32 {
  const even = symmetric ? 0 : 1;
  const i0 = cut(na, part, parts, even);
  const i1 = cut(na, part + 1, parts, even);
  dotRowsPart(a, na, lda, b, nb, ldb, t0, t1, c, symmetric, i0, i1);
  if (!symmetric) return arrive(bar, parts) ? 0 : 1;
  if (!arrive(bar, parts)) return 1;
  mirrorRows(c, nb, i0, i1);
  return arrive(bar, parts) ? 0 : 1;
}
