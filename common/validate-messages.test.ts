// The words of a refused spec (common/validate.ts): each problem names its field as a path, shows
// the value given (shortened when long) and says what is allowed, for every kind of problem zod
// reports; spec versions are checked before the schema.
import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { SpecError } from './errors.js';
import { refusal } from '../test/fixtures/spec-refusal.js';
import { SPEC_VERSION, SuiteSchema } from './spec.js';
import { formatPath, issuesOf, migrateExperiment, parseExperiment, parseWith } from './validate.js';

/** the one issue a value gets against a schema */
function issueOf(schema: z.ZodType, raw: unknown) {
  const r = schema.safeParse(raw);
  expect(r.success).toBe(false);
  const issues = issuesOf(r.error!, raw);
  expect(issues).toHaveLength(1);
  return issues[0];
}

describe('formatPath', () => {
  it('joins keys with dots and indices in brackets', () => {
    expect(formatPath([])).toBe('(top level)');
    expect(formatPath(['network'])).toBe('network');
    expect(formatPath(['network', 'heterogeneity', 'cv'])).toBe('network.heterogeneity.cv');
    expect(formatPath(['sweep', 'manipulations', 2, 'ops', 0, 'factor'])).toBe('sweep.manipulations[2].ops[0].factor');
    expect(formatPath([3, 'x'])).toBe('[3].x');
  });
});

describe('issuesOf: what is allowed, in words', () => {
  it('wrong types, with whole numbers called so', () => {
    expect(issueOf(z.object({ a: z.string() }), { a: 3 })).toEqual({ path: 'a', value: '3', allowed: 'expected string' });
    expect(issueOf(z.object({ a: z.number().int() }), { a: 1.5 })).toEqual({ path: 'a', value: '1.5', allowed: 'expected a whole number' });
    expect(issueOf(z.object({ a: z.number() }), {})).toEqual({ path: 'a', value: 'nothing', allowed: 'expected number' });
  });

  it('lower bounds: inclusive, exclusive, of lists and of text', () => {
    expect(issueOf(z.number().min(2), 1).allowed).toBe('must be at least 2');
    expect(issueOf(z.number().gt(2), 2).allowed).toBe('must be greater than 2');
    expect(issueOf(z.array(z.number()).min(2), [1]).allowed).toBe('must be at least 2 item(s)');
    expect(issueOf(z.string().min(3), 'ab').allowed).toBe('must be at least 3 character(s)');
  });

  it('upper bounds: inclusive, exclusive, of lists and of text', () => {
    expect(issueOf(z.number().max(2), 3).allowed).toBe('must be at most 2');
    expect(issueOf(z.number().lt(2), 2).allowed).toBe('must be less than 2');
    expect(issueOf(z.array(z.number()).max(1), [1, 2]).allowed).toBe('must be at most 1 item(s)');
    expect(issueOf(z.string().max(2), 'abc').allowed).toBe('must be at most 2 character(s)');
  });

  it('unknown fields, listed; words not in a list; forms that do not match', () => {
    expect(issueOf(z.object({ a: z.number() }).strict(), { a: 1, b: 2, c: 3 })).toEqual({ path: '(top level)', value: '["b","c"]', allowed: 'unknown field(s) "b", "c"' });
    expect(issueOf(z.enum(['x', 'y']), 'z')).toEqual({ path: '(top level)', value: '"z"', allowed: 'allowed: "x", "y"' });
    expect(issueOf(z.union([z.literal('default'), z.object({ a: z.number() })]), 7).allowed).toBe('does not match any allowed form');
    // a check of its own says its own words
    expect(issueOf(z.number().refine((v) => v % 2 === 0, { message: 'must be even' }), 3).allowed).toBe('must be even');
  });

  it('a form chosen by a word that is not one of the forms: every form is named', () => {
    expect(issueOf(z.discriminatedUnion('kind', [z.object({ kind: z.literal('a') }), z.object({ kind: z.literal('b'), x: z.number() })]), { kind: 'c' })).toEqual({
      path: 'kind',
      value: '"c"',
      allowed: 'allowed: "a", "b"',
    });
    // the spec's own unions, as a user meets them
    expect(refusal({ name: 'x', network: { model: { kind: 'hodgkin' } } })).toBe('experiment spec is invalid:\n  - network.model.kind: got "hodgkin"; allowed: "rate", "lif"');
    expect(refusal({ name: 'x', network: { model: {} } })).toContain('network.model.kind: got nothing; allowed: "rate", "lif"');
    expect(refusal({ name: 'x', network: { scaling: { mode: 'spectral', g: 1 } } })).toContain('network.scaling.mode: got "spectral"; allowed: "gain", "radius"');
    expect(refusal({ name: 'x', network: { manipulations: [{ op: 'scale' }] } })).toContain(
      'network.manipulations[0].op: got "scale"; allowed: "scaleGain", "resampleConnectivity", "weightNoise", "prune", "removeRecurrence", "scaleInput", "perturbTau"',
    );
    expect(() => parseWith(SuiteSchema, { name: 's', families: [{ family: 'memory' }] }, 'task suite')).toThrow(
      'families[0].family: got "memory"; allowed: "delay", "legendre", "product", "window", "narma", "forecast", "xor", "static"',
    );
  });

  it('shows the value given, shortened past 80 characters', () => {
    const long = 'x'.repeat(100);
    const shown = issueOf(z.object({ a: z.number() }), { a: long }).value;
    expect(shown).toBe(`"${'x'.repeat(76)}...`);
    expect(shown).toHaveLength(80);
    const exactly80 = 'y'.repeat(78); // 80 with its quotes: shown whole
    expect(issueOf(z.object({ a: z.number() }), { a: exactly80 }).value).toBe(`"${exactly80}"`);
    // the value at the path, also under a check of the parent object
    expect(issueOf(z.object({ a: z.object({ b: z.number() }) }), { a: { b: 'q' } }).value).toBe('"q"');
    expect(issueOf(z.object({ a: z.object({ b: z.number() }) }), { a: 5 })).toEqual({ path: 'a', value: '5', allowed: 'expected object' });
    // a check of the parent that names a field below a null: nothing is there
    const below = z.object({ a: z.object({ b: z.number() }).nullable() }).superRefine((v, ctx) => {
      if (v.a === null) ctx.addIssue({ code: 'custom', path: ['a', 'b'], message: 'needs a' });
    });
    expect(issueOf(below, { a: null })).toEqual({ path: 'a.b', value: 'nothing', allowed: 'needs a' });
  });

  it('shows a value JSON cannot write in words', () => {
    const big = { a: 10n };
    const r = z.object({ a: z.number() }).safeParse(big);
    expect(issuesOf(r.error!, big)[0].value).toBe('10');
    // numbers JSON would write as null, in a spec built in code
    for (const v of [Infinity, -Infinity, NaN]) expect(issueOf(z.object({ a: z.number() }), { a: v }).value).toBe(String(v));
  });
});

describe('parseWith and parseExperiment', () => {
  it('parseWith names the source and lists every problem', () => {
    try {
      parseWith(z.object({ a: z.number(), b: z.string() }).strict(), { a: 'x', c: 1 }, 'test document');
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(SpecError);
      expect((err as SpecError).message).toBe(
        'test document is invalid:\n  - a: got "x"; expected number\n  - b: got nothing; expected string\n  - (top level): got ["c"]; unknown field(s) "c"',
      );
      expect((err as SpecError).source).toBe('test document');
    }
    expect(parseWith(z.object({ a: z.number() }), { a: 1 }, 'x')).toEqual({ a: 1 });
  });

  it('parseExperiment refuses what is not an object, saying what it got', () => {
    for (const [raw, shown] of [[null, 'null'], [[1], '[1]'], ['spec', '"spec"'], [3, '3'], [undefined, 'nothing']] as [unknown, string][]) {
      expect(() => parseExperiment(raw)).toThrow(`experiment spec is invalid:\n  - (top level): got ${shown}; an experiment spec is a JSON object`);
    }
    expect(() => parseExperiment(7, 'my.json')).toThrow(/^my\.json is invalid/);
  });
});

describe('migrateExperiment', () => {
  it('passes the current version and documents without one through', () => {
    const spec = { name: 'x', version: SPEC_VERSION };
    expect(migrateExperiment(spec)).toEqual(spec);
    expect(migrateExperiment({ name: 'x' })).toEqual({ name: 'x' });
    expect(migrateExperiment([1, 2])).toEqual([1, 2]);
    expect(migrateExperiment(null)).toBeNull();
    expect(migrateExperiment('x')).toBe('x');
    expect(migrateExperiment(undefined)).toBeUndefined();
    expect(migrateExperiment(3)).toBe(3);
  });

  it('refuses a newer version, naming the version this Quench reads', () => {
    expect(() => migrateExperiment({ name: 'x', version: SPEC_VERSION + 1 })).toThrow(
      `experiment spec is invalid:\n  - version: got ${SPEC_VERSION + 1}; this Quench reads spec versions up to ${SPEC_VERSION}; update Quench to open it`,
    );
  });

  it('leaves a version that is not a number for the schema to refuse', () => {
    expect(migrateExperiment({ name: 'x', version: '2' })).toEqual({ name: 'x', version: '2' });
    expect(refusal({ name: 'x', version: '2' })).toBe('experiment spec is invalid:\n  - version: got "2"; expected number');
  });

  it('leaves an older version for the schema to refuse when no migration exists', () => {
    expect(migrateExperiment({ name: 'x', version: 0 })).toEqual({ name: 'x', version: 0 });
    expect(() => parseExperiment({ name: 'x', version: 0 })).toThrow('version: got 0; must be at least 1');
  });
});
