// The arguments of the API methods other than specs, checked with the same schema library as the
// specs, so a bad argument is reported like a bad spec field: where, what was there, what is allowed.
import { z } from 'zod';
import { issuesOf } from '../../common/validate.js';
import { ArgumentError } from './errors.js';

/** Parses one argument; `name` is how the issue list names it (e.g. "query" or "seed"). */
export function arg<S extends z.ZodType>(method: string, name: string, schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new ArgumentError(
      issuesOf(r.error, value).map((i) => ({ ...i, path: i.path === '(top level)' ? name : `${name}.${i.path}`.replace('.[', '[') })),
      method,
    );
  }
  return r.data;
}

export const Seed = z.number().int().min(0).max(0xffffffff);
export const Id = z.string().min(1).max(500);
export const Name = z.string().trim().min(1).max(200);
export const Threads = z.number().int().min(0).max(1024);
/** steps of a previewed input stream */
export const PreviewSteps = z.number().int().min(1).max(100_000);

export const RunFilterSchema = z
  .object({
    where: z.array(z.string().min(1).max(2000)).max(200).optional(),
    tags: z.array(z.string().min(1).max(200)).max(200).optional(),
    /** ISO instants, dates (2024-05-01) or ago (7d, 12h, 30m) */
    since: z.string().min(1).max(100).optional(),
    until: z.string().min(1).max(100).optional(),
    status: z.array(z.enum(['done', 'pending', 'failed'])).optional(),
    /** experiment ids, id prefixes or names */
    experiments: z.array(z.string().min(1).max(500)).max(10_000).optional(),
    runUids: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'a run id (64 hex digits)')).optional(),
  })
  .strict();

export const RunQuerySchema = RunFilterSchema.extend({
  limit: z.number().int().min(0).max(1_000_000).optional(),
  offset: z.number().int().min(0).optional(),
  sort: z.string().min(1).max(100).optional(),
  descending: z.boolean().optional(),
}).strict();

export const CompareRequestSchema = z
  .object({
    filter: RunFilterSchema.default({}),
    conditions: z.array(z.string().min(1).max(2000)).max(100).optional(),
    curve: z.string().min(1).max(100).nullable().optional(),
  })
  .strict();

export const StartExperimentSchema = z
  .object({
    spec: z.unknown(),
    threads: Threads.optional(),
    backend: z.string().min(1).max(100).optional(),
    ifArchived: z.enum(['resume', 'new']).optional(),
  })
  .strict();

export const RunIds = z.array(Id).min(1).max(1_000_000);
export const Tags = z.array(z.string().trim().min(1).max(200)).min(1).max(1000);
export const NoteText = z.string().trim().min(1).max(100_000);
export const Title = z.string().max(500);
