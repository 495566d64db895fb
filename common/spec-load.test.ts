// The spec's unions, each form parsed once. spec.ts builds its schemas when it is imported, and zod
// checks a discriminated union's forms there (each must carry its discriminator as a literal): a
// broken form throws at import. A test file that imports spec.ts at its top then fails to load,
// which vitest reports as a failed file but Stryker's vitest runner (npm run mutation) counts as no
// failed test at all; so this file imports spec.ts inside its test, where the throw fails the test.
// (Type-only imports are erased and load nothing.)
import { describe, it, expect } from 'vitest';

describe('the spec module', () => {
  it('loads, and parses every form of its unions, filling in the defaults of each', async () => {
    const { ManipulationSchema, ModelSchema, ScalingSchema, TaskFamilySchema, SPEC_VERSION } = await import('./spec.js');
    const { parseExperiment } = await import('./validate.js');
    expect(parseExperiment({ name: 'x' }).version).toBe(SPEC_VERSION);

    expect(ModelSchema.parse({ kind: 'rate' })).toEqual({ kind: 'rate', form: 'li', tauMeanSteps: 5, noise: 0 });
    expect(ModelSchema.parse({ kind: 'lif' })).toMatchObject({ kind: 'lif', tauMeanMs: 20, dtSimMs: 1, dtTaskMs: 10 });
    expect(ScalingSchema.parse({ mode: 'gain' })).toEqual({ mode: 'gain', g: 0.9 });
    expect(ScalingSchema.parse({ mode: 'radius', rho: 1.2 })).toEqual({ mode: 'radius', rho: 1.2 });

    // docs/model.md §3.4: each operation with its one parameter (prune: and its mode)
    const ops = [
      { op: 'scaleGain', factor: 0.5 },
      { op: 'resampleConnectivity', p: 0.3 },
      { op: 'weightNoise', sigma: 0.2 },
      { op: 'prune', fraction: 0.25, mode: 'weakest' },
      { op: 'removeRecurrence' },
      { op: 'scaleInput', factor: 2 },
      { op: 'perturbTau', sigma: 0.5 },
    ];
    for (const op of ops) expect(ManipulationSchema.parse(op)).toEqual(op);
    expect(ManipulationSchema.parse({ op: 'prune', fraction: 0.25 })).toEqual({ op: 'prune', fraction: 0.25, mode: 'random' });
    // an operation takes no parameter of another
    expect(ManipulationSchema.safeParse({ op: 'removeRecurrence', factor: 1 }).success).toBe(false);

    // docs/model.md §5.2: each family with its required lists; channels "all", kinds, functions and
    // the NARMA channel by default
    const families: [object, object][] = [
      [{ family: 'delay', delays: [0, 5] }, { channels: 'all' }],
      [{ family: 'legendre', degrees: [2, 3], delays: [0] }, { channels: 'all' }],
      [{ family: 'product', delays: [0, 2] }, {}],
      [{ family: 'window', windows: [4] }, { channels: 'all', kinds: ['mean', 'difference'] }],
      [{ family: 'narma', orders: [10] }, { channel: 0 }],
      [{ family: 'forecast', horizons: [1, 3] }, { channels: 'all' }],
      [{ family: 'xor', delays: [0, 4] }, {}],
      [{ family: 'static' }, { channels: 'all', functions: ['sin', 'abs', 'cube'] }],
    ];
    for (const [given, defaults] of families) expect(TaskFamilySchema.parse(given)).toEqual({ ...given, ...defaults });
    expect(TaskFamilySchema.parse({ family: 'legendre', channels: [1], degrees: [2], delays: [0] })).toMatchObject({ channels: [1] });
  });
});
