// Checking the arguments of the API methods with the contract's schemas (common/requests.ts), so a
// bad argument is reported like a bad spec field: where, what was there, what is allowed.
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

export {
  ClusterBundleSchema,
  CompareRequestSchema,
  Folder,
  Id,
  Name,
  NoteText,
  PreviewSteps,
  RunFilterSchema,
  RunIds,
  RunQuerySchema,
  Seed,
  StartExperimentSchema,
  Tags,
  Threads,
  Title,
} from '../../common/requests.js';
