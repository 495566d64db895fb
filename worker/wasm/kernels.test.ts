import { describe, it, expect } from 'vitest';
import { Arena } from './kernels.js';

describe('WebAssembly tanh (Cephes rational + exp)', () => {
  const k = new Arena(0).k;

  it('is within 4 ulp of Math.tanh from -30 to 30 and keeps signs and limits', () => {
    let worst = 0;
    const xs: number[] = [0.625, -0.625, 0.6249999999999999, 1e-300, -1e-300, 5e-324, 1e-8, 19.1, -19.1, 700, -700];
    for (let i = -300000; i <= 300000; i++) xs.push(i * 1e-4 + 1.234e-5);
    for (const x of xs) {
      const ours = k.tanhOf(x);
      const ref = Math.tanh(x);
      const ulp = Math.max(Number.EPSILON * Math.abs(ref), Number.MIN_VALUE);
      worst = Math.max(worst, Math.abs(ours - ref) / ulp);
    }
    expect(worst).toBeLessThanOrEqual(4);
    expect(Object.is(k.tanhOf(-0), -0)).toBe(true);
    expect(k.tanhOf(Infinity)).toBe(1);
    expect(k.tanhOf(-Infinity)).toBe(-1);
    expect(Number.isNaN(k.tanhOf(NaN))).toBe(true);
  });
});
