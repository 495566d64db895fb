// The GPU host frames: what goes in comes out bit for bit, and a damaged frame is refused in words.
import { describe, expect, it } from 'vitest';
import { decodeFeatures, decodeSimulation, encodeFeatures, encodeSimulation, featuresFrameBytes, type GpuSimulation } from './gpu-host.js';

function sim(n: number, d: number, steps: number): GpuSimulation {
  const f = (len: number, k: number) => Float64Array.from({ length: len }, (_, i) => Math.sin(i * k + 0.1) / 3);
  return { model: { kind: 'rate', form: 'li', tauMeanSteps: 10, noise: 0.01 }, n, d, steps, noiseSeed: 12345, w: f(n * n, 1), u: f(n * d, 2), b: f(n, 3), tau: f(n, 4).map((x) => 2 + x), input: f(steps * d, 5) };
}

describe('GPU host frames', () => {
  it('a simulation round-trips bit for bit (odd sizes: the arrays stay 8-byte aligned)', () => {
    const s = sim(7, 3, 11);
    const back = decodeSimulation(encodeSimulation(42, s));
    expect(back.id).toBe(42);
    expect(back.sim.model).toEqual(s.model);
    expect([back.sim.n, back.sim.d, back.sim.steps, back.sim.noiseSeed]).toEqual([7, 3, 11, 12345]);
    for (const k of ['w', 'u', 'b', 'tau', 'input'] as const) expect(Buffer.from(back.sim[k].buffer).equals(Buffer.from(s[k].buffer))).toBe(true);
  });

  it('features round-trip, and fit the size the server allows for them', () => {
    const f = Float32Array.from({ length: 5 * 9 }, (_, i) => i / 7);
    const frame = encodeFeatures(3, 5, 9, f);
    expect(frame.byteLength).toBeLessThanOrEqual(featuresFrameBytes(5, 9));
    const back = decodeFeatures(frame);
    expect([back.id, back.n, back.steps]).toEqual([3, 5, 9]);
    expect(Array.from(back.features)).toEqual(Array.from(f));
    expect(() => encodeFeatures(3, 5, 9, new Float32Array(44))).toThrow(/44 values for N = 5 over 9 steps \(expected 45\)/);
  });

  it('a damaged frame is refused with what is wrong', () => {
    const good = encodeSimulation(1, sim(4, 2, 5));
    expect(() => decodeSimulation(new ArrayBuffer(4))).toThrow(/4 bytes, too short/);
    expect(() => decodeSimulation(encodeFeatures(1, 1, 1, new Float32Array(1)))).toThrow(/does not start with its marker/);
    const version = good.slice(0);
    new DataView(version).setUint32(4, 9, true);
    expect(() => decodeSimulation(version)).toThrow(/version 9 of the GPU host protocol; this Quench speaks 1/);
    expect(() => decodeSimulation(good.slice(0, good.byteLength - 16))).toThrow(/ends inside its input \(N = 4, D = 2, 5 steps need 80 bytes of it\)/);
    const header = good.slice(0);
    new Uint8Array(header, 12, 1)[0] = 0x7b + 1; // the JSON's "{" becomes "|"
    expect(() => decodeSimulation(header)).toThrow(/header is not JSON/);
    const features = encodeFeatures(1, 2, 2, new Float32Array(4));
    expect(() => decodeFeatures(features.slice(0, 30))).toThrow(/header runs past its end/);
    expect(() => decodeFeatures(features.slice(0, features.byteLength - 4))).toThrow(/ends early: 12 of 16 bytes/);
  });
});
