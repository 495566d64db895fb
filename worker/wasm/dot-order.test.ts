// The WebAssembly dotRows' order of additions, bit for bit. Results are reproducible only while every
// element is summed the same way whatever the kernel's blocking: in chunks of 512 steps, within a
// chunk pairs of steps in two lanes (even and odd) then the lanes added and an odd last step, the
// chunks added in turn; elements outside the 4 x 2 blocks (ragged rows and columns) by `dot`, four
// steps at a time in two pairs of lanes. Written out here in TypeScript for the unfused build (the
// fused one differs only in rounding each product into its sum).
import { describe, it, expect } from 'vitest';
import { backendNames, backendByName } from '../backends/registry.js';
import { Rng } from '../rng.js';

const CHUNK = 512;

function blockedElement(a: Float64Array, lda: number, i: number, b: Float64Array, ldb: number, j: number, t0: number, t1: number): number {
  let c = 0;
  for (let c0 = t0; c0 < t1; c0 += CHUNK) {
    const c1 = Math.min(c0 + CHUNK, t1);
    const tv = c0 + ((c1 - c0) & ~1);
    let l0 = 0;
    let l1 = 0;
    for (let t = c0; t < tv; t += 2) {
      l0 = l0 + a[i * lda + t] * b[j * ldb + t];
      l1 = l1 + a[i * lda + t + 1] * b[j * ldb + t + 1];
    }
    let s = l0 + l1;
    if (tv < c1) s += a[i * lda + tv] * b[j * ldb + tv];
    c = c0 === t0 ? s : c + s;
  }
  return c;
}

function dotElement(a: Float64Array, lda: number, i: number, b: Float64Array, ldb: number, j: number, t0: number, t1: number): number {
  const x = (t: number) => a[i * lda + t] * b[j * ldb + t];
  let p0 = 0, p1 = 0, q0 = 0, q1 = 0;
  let t = t0;
  for (; t + 3 < t1; t += 4) {
    p0 = p0 + x(t);
    p1 = p1 + x(t + 1);
    q0 = q0 + x(t + 2);
    q1 = q1 + x(t + 3);
  }
  let s = (p0 + q0) + (p1 + q1);
  for (; t < t1; t++) s += x(t);
  return s;
}

function modelDotRows(a: Float64Array, na: number, lda: number, b: Float64Array, nb: number, ldb: number, t0: number, t1: number, symmetric: boolean): Float64Array {
  const c = new Float64Array(na * nb);
  const na4 = na - (na % 4);
  const nb2 = nb - (nb % 2);
  for (let i = 0; i < na; i++) {
    for (let j = symmetric ? i : 0; j < nb; j++) {
      c[i * nb + j] = (i < na4 && j < nb2 ? blockedElement : dotElement)(a, lda, i, b, ldb, j, t0, t1);
    }
    if (symmetric) for (let j = 0; j < i; j++) c[i * nb + j] = c[j * nb + i];
  }
  return c;
}

describe.runIf(backendNames().includes('wasm'))('WebAssembly dotRows: the order of additions', () => {
  const sizes: [number, number, number, number, number][] = [
    // [na, nb, row length, t0, t1]: B's rows past one tile of 128 and odd; several chunks, odd ends
    [9, 301, 1300, 3, 1297],
    [12, 260, 1100, 0, 1100],
    [5, 7, 600, 511, 600],
  ];
  for (const [na, nb, len, t0, t1] of sizes) {
    it(`${na} x ${nb} over steps [${t0}, ${t1}) of ${len}: every element in the documented order`, () => {
      const rng = new Rng(na * 1000 + nb);
      const a = Float64Array.from({ length: na * len }, () => rng.normal());
      const b = Float64Array.from({ length: nb * len }, () => rng.normal() * 1e3);
      const ours = backendByName('wasm').dotRows(a, na, len, b, nb, len, t0, t1);
      const model = modelDotRows(a, na, len, b, nb, len, t0, t1, false);
      expect(ours.findIndex((v, k) => !Object.is(v, model[k]))).toBe(-1);
    });
  }

  it('symmetric, 261 rows over 1100 steps: the upper triangle in that order, the lower its mirror', () => {
    const rng = new Rng(5);
    const n = 261;
    const len = 1100;
    const a = Float64Array.from({ length: n * len }, () => rng.normal());
    const ours = backendByName('wasm').dotRows(a, n, len, a, n, len, 1, 1099, true);
    const model = modelDotRows(a, n, len, a, n, len, 1, 1099, true);
    expect(ours.findIndex((v, k) => !Object.is(v, model[k]))).toBe(-1);
  });
});
