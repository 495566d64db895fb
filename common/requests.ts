// The requests of the api (common/api.ts), as zod schemas: the main process checks every argument
// with them (a bad one is reported like a bad spec field: where, what was there, what is allowed),
// and the request types are theirs (z.infer), so the contract and its checks cannot drift apart.
import { z } from 'zod';

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
    /** condition texts; none: homogeneous against each heterogeneous level */
    conditions: z.array(z.string().min(1).max(2000)).max(100).optional(),
    /** factor for the resilience curve: manipulation, n, tau_mean, train_length or cv; default manipulation when it varies */
    curve: z.string().min(1).max(100).nullable().optional(),
    /** also give each contrast's per-task differences */
    perTask: z.boolean().optional(),
  })
  .strict();

export const StartExperimentSchema = z
  .object({
    /** an experiment spec as the user wrote it (validated by the main process) */
    spec: z.unknown(),
    /** worker threads: at most the cores, unless forceThreads */
    threads: Threads.optional(),
    forceThreads: z.boolean().optional(),
    /** a backend's name or 'auto' */
    backend: z.string().min(1).max(100).optional(),
    /** when this spec is already archived: resume it (default; a complete one just answers done) or start a separate experiment */
    ifArchived: z.enum(['resume', 'new']).optional(),
    /** the go-ahead for work estimated past the threshold (an ApiError of kind 'confirm' asks for it) */
    confirm: z.boolean().optional(),
  })
  .strict();

/** a SLURM partition or account: written into #SBATCH lines, so nothing a shell would read */
const SlurmName = z.string().trim().regex(/^[A-Za-z0-9_.,+-]{1,200}$/, 'letters, digits and _ . , + - only');

export const ClusterBundleSchema = z
  .object({
    /** an experiment spec as the user wrote it (validated by the main process) */
    spec: z.unknown(),
    /** array tasks, each a shard of the runs split by estimated work */
    shards: z.number().int().min(1).max(100_000),
    /** CPUs (worker threads) per shard; default 1 */
    cpusPerTask: z.number().int().min(1).max(1024).optional(),
    partition: SlurmName.optional(),
    account: SlurmName.optional(),
    /** SLURM's --time (90, 2:00:00, 1-12:00:00); default: the longest shard's estimate with the margin */
    time: z.string().trim().regex(/^(\d+-)?\d+(:\d+){0,2}$/, 'a SLURM time such as 90, 2:00:00 or 1-12:00:00').optional(),
    /** SLURM's --mem (4000M, 8G); default: the largest shard's peak with the margin */
    mem: z.string().trim().regex(/^\d+[KMGTkmgt]?$/, 'a SLURM memory size such as 4000M or 8G').optional(),
    /** the backend every shard runs on; default wasm (the same numbers on every x86-64 node) */
    backend: z.string().min(1).max(100).optional(),
  })
  .strict();

/** a folder on the machine Quench runs on */
export const Folder = z.string().trim().min(1).max(4096);

export const RunIds = z.array(Id).min(1).max(1_000_000);
export const Tags = z.array(z.string().trim().min(1).max(200)).min(1).max(1000);
export const NoteText = z.string().trim().min(1).max(100_000);
export const Title = z.string().max(500);

export type RunFilter = z.infer<typeof RunFilterSchema>;
export type RunQuery = z.infer<typeof RunQuerySchema>;
export type CompareRequest = z.input<typeof CompareRequestSchema>;
export type StartExperiment = z.infer<typeof StartExperimentSchema>;
export type ClusterBundleRequest = z.infer<typeof ClusterBundleSchema>;
