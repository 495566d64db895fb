// Turns zod's issues into messages that name the field, the value and what is allowed.
import type { z } from 'zod';
import { SpecError, type SpecIssue } from './errors.js';
import { ExperimentSchema, SPEC_VERSION, type ExperimentSpec } from './spec.js';

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON would write these as null (a spec built in code can hold them)
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? s.slice(0, 77) + '...' : s;
  } catch {
    return String(value);
  }
}

function allowedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'int' ? 'a whole number' : issue.expected}`;
    case 'invalid_value':
      return `allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small': {
      const what = issue.origin === 'array' ? 'at least' : issue.inclusive ? 'at least' : 'greater than';
      const unit = issue.origin === 'array' ? ' item(s)' : issue.origin === 'string' ? ' character(s)' : '';
      return `must be ${what} ${String(issue.minimum)}${unit}`;
    }
    case 'too_big': {
      const what = issue.origin === 'array' ? 'at most' : issue.inclusive ? 'at most' : 'less than';
      const unit = issue.origin === 'array' ? ' item(s)' : issue.origin === 'string' ? ' character(s)' : '';
      return `must be ${what} ${String(issue.maximum)}${unit}`;
    }
    case 'unrecognized_keys':
      return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options) return `allowed: ${options.map((o) => JSON.stringify(o)).join(', ')}`;
      return 'does not match any allowed form';
    }
    default:
      return issue.message;
  }
}

/** The value at a path of the raw document (zod's own `input` is the parent object for custom checks). */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

export function issuesOf(error: z.ZodError, raw: unknown): SpecIssue[] {
  return error.issues.map((issue) => {
    const value = issue.code === 'unrecognized_keys' ? show(issue.keys) : show(valueAt(raw, issue.path));
    return { path: formatPath(issue.path), value, allowed: allowedOf(issue) };
  });
}

/** No spec nests deeper than this; a deeper document is refused before the schema walks it. */
export const MAX_SPEC_DEPTH = 32;

/** The nesting depth of a parsed JSON value (iterative: a 5000-deep document must not overflow the stack). */
export function depthOf(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const here = d + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) stack.push([child, here]);
  }
  return deepest;
}

export function parseWith<S extends z.ZodType>(schema: S, raw: unknown, source: string): z.infer<S> {
  if (depthOf(raw, MAX_SPEC_DEPTH) > MAX_SPEC_DEPTH) {
    throw new SpecError([{ path: '(top level)', value: `a document nested more than ${MAX_SPEC_DEPTH} levels deep`, allowed: `specs nest at most ${MAX_SPEC_DEPTH} levels of objects and lists` }], source);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new SpecError(issuesOf(r.error, raw), source);
  return r.data;
}

/** Migrations from older spec versions, applied in order before validation. */
const MIGRATIONS: Record<number, (spec: Record<string, unknown>) => Record<string, unknown>> = {};

export function migrateExperiment(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  let spec = raw as Record<string, unknown>;
  let v = typeof spec.version === 'number' ? spec.version : SPEC_VERSION;
  if (v > SPEC_VERSION) {
    throw new SpecError(
      [{ path: 'version', value: String(v), allowed: `this Quench reads spec versions up to ${SPEC_VERSION}; update Quench to open it` }],
      'experiment spec',
    );
  }
  while (v < SPEC_VERSION) {
    const step = MIGRATIONS[v];
    if (!step) break;
    spec = step(spec);
    v += 1;
  }
  return spec;
}

export function parseExperiment(raw: unknown, source = 'experiment spec'): ExperimentSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SpecError([{ path: '(top level)', value: show(raw), allowed: 'an experiment spec is a JSON object' }], source);
  }
  return parseWith(ExperimentSchema, migrateExperiment(raw), source);
}
