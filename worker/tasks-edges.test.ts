// The task generator's refusals in words (a channel past the input, buffers too short, a task
// definition that lacks what its family needs) and the targets tasks.test.ts's suite leaves out: an
// XOR or product whose first delay is not 0, and NARMA driven by a channel other than 0.
import { describe, it, expect } from 'vitest';
import type { ChannelSpec, SuiteSpec } from '../common/spec.js';
import type { TaskDef } from '../common/tasks.js';
import { quenchRefusal as refusal } from '../test/fixtures/quench-refusal.js';
import { buildSuite, computeTarget, narma } from './tasks.js';

const WHITE: ChannelSpec = { family: 'white' };

const task = (over: Partial<TaskDef>): TaskDef => ({ id: 't', family: 'delay', channels: [0], memoryDepth: 0, nonlinearity: 1, parity: 'odd', classification: false, params: { d: 0 }, ...over });

describe('refusals', () => {
  it('a suite that selects a channel the input does not have, the first one past it included', () => {
    const suite = (channels: number[]): SuiteSpec => ({ name: 's', version: 1, families: [{ family: 'delay', channels, delays: [1] }] });
    expect(buildSuite(suite([0, 1]), [WHITE, WHITE]).map((t) => t.id)).toEqual(['delay/c0/d1', 'delay/c1/d1']);
    expect(refusal(() => buildSuite(suite([2]), [WHITE, WHITE]))).toEqual({ kind: 'spec', message: 'task family "delay" selects channel 2, but the input has 2 channel(s) (0..1)' });
    expect(refusal(() => buildSuite({ name: 's', version: 1, families: [{ family: 'narma', channel: 3, orders: [5] }] }, [WHITE]))).toEqual({
      kind: 'spec',
      message: 'task family "narma" selects channel 3, but the input has 1 channel(s) (0..0)',
    });
  });

  it('computeTarget: input or target buffer too short, a channel out of range, a missing parameter', () => {
    const input = new Float64Array(8);
    expect(refusal(() => computeTarget(task({}), input, 5, 2, new Float64Array(5)))).toEqual({ kind: 'internal', message: 'input holds 8 values; 5 steps x 2 channels need 10' });
    expect(refusal(() => computeTarget(task({}), input, 4, 2, new Float64Array(3)))).toEqual({ kind: 'internal', message: 'target buffer holds 3 values; need 4' });
    for (const k of [2, -1, 0.5]) {
      expect(refusal(() => computeTarget(task({ id: 'x', channels: [k] }), input, 4, 2, new Float64Array(4)))).toEqual({ kind: 'spec', message: `task x uses channel ${k}, but the input has 2 channel(s)` });
    }
    expect(refusal(() => computeTarget(task({ id: 'y', params: {} }), input, 4, 2, new Float64Array(4)))).toEqual({ kind: 'internal', message: 'task y lacks numeric parameter "d"' });
    expect(refusal(() => computeTarget(task({ id: 'y', params: { d: '1' } }), input, 4, 2, new Float64Array(4)))).toEqual({ kind: 'internal', message: 'task y lacks numeric parameter "d"' });
    // exactly long enough is enough
    expect(() => computeTarget(task({}), input, 4, 2, new Float64Array(4))).not.toThrow();
  });

  it('a window kind or static function it does not know', () => {
    const input = new Float64Array(4);
    expect(refusal(() => computeTarget(task({ id: 'w', family: 'window', params: { w: 2, kind: 'median' } }), input, 4, 1, new Float64Array(4)))).toEqual({
      kind: 'spec',
      message: 'task w: unknown window kind "median"',
    });
    expect(refusal(() => computeTarget(task({ id: 's', family: 'static', params: { fn: 'tanh' } }), input, 4, 1, new Float64Array(4)))).toEqual({
      kind: 'spec',
      message: 'task s: unknown static function "tanh"',
    });
  });
});

describe('targets', () => {
  // two channels, time-major
  const a = [0.5, -0.2, 0.8, -1, 0.3, 0.6, -0.4, 0.1];
  const b = [-0.3, 0.7, 0.1, 0.4, -0.9, 0.2, 0.5, -0.6];
  const T = a.length;
  const input = new Float64Array(T * 2);
  for (let t = 0; t < T; t++) {
    input[2 * t] = a[t];
    input[2 * t + 1] = b[t];
  }
  const lag = (x: number[], t: number, d: number) => (t - d >= 0 ? x[t - d] : 0);

  it('product and XOR with both delays above 0: a(t - d1) b(t - d2) and its sign', () => {
    const suite: SuiteSpec = { name: 's', version: 1, families: [{ family: 'product', delays: [1, 3] }, { family: 'xor', delays: [1, 3] }] };
    const tasks = buildSuite(suite, [WHITE, WHITE]);
    expect(tasks.map((t) => t.id)).toEqual(['product/c0c1/d1-1', 'product/c0c1/d1-3', 'product/c0c1/d3-3', 'xor/c0c1/d1-1', 'xor/c0c1/d1-3', 'xor/c0c1/d3-3']);
    const out = new Float64Array(T);
    computeTarget(tasks[1], input, T, 2, out);
    expect(Array.from(out)).toEqual(Array.from({ length: T }, (_, t) => lag(a, t, 1) * lag(b, t, 3)));
    computeTarget(tasks[4], input, T, 2, out);
    expect(Array.from(out)).toEqual(Array.from({ length: T }, (_, t) => (lag(a, t, 1) * lag(b, t, 3) < 0 ? -1 : 1)));
  });

  it("NARMA of channel 1 is NARMA of that channel's series", () => {
    const [t1] = buildSuite({ name: 's', version: 1, families: [{ family: 'narma', channel: 1, orders: [3] }] }, [WHITE, WHITE]);
    expect(t1.id).toBe('narma/c1/n3');
    const out = new Float64Array(T);
    computeTarget(t1, input, T, 2, out);
    const want = new Float64Array(T);
    narma((t) => b[t], 3, T, want);
    expect(Array.from(out)).toEqual(Array.from(want));
    // and not channel 0's
    const other = new Float64Array(T);
    narma((t) => a[t], 3, T, other);
    expect(Array.from(out)).not.toEqual(Array.from(other));
  });
});
