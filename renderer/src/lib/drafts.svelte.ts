// The designers' drafts (the network, the task suite and the experiment as they are being edited)
// survive a reload: each is written to the tab's sessionStorage as it changes and read back when the
// app starts. sessionStorage, not localStorage: a draft belongs to the tab it was made in (a new
// window starts from the defaults, or from a saved design), it ends with the tab, and nothing is
// written to localStorage, where saved designs live, until the user saves (an invalid form saves
// nothing). A stored draft is checked against the shape of its store before anything of it is used:
// one that does not fit (an older layout, a hand-edited value, not JSON) is ignored whole and the
// designer keeps its defaults. Fields a draft lacks keep theirs too.
import { z } from 'zod';
import { MANIPULATION_OPS, experiment, type ManipulationOp } from './experiment.svelte.js';
import { FAMILIES, network } from './network.svelte.js';
import { TASK_FAMILIES, suite } from './suite.svelte.js';

const Num = z.number().nullable();

const NetworkDraft = z
  .object({
    modelKind: z.enum(['rate', 'lif']),
    rate: z.object({ form: z.enum(['li', 'esn']), tauMeanSteps: Num, noise: Num }).partial(),
    // a loaded LIF spec may carry more model fields (a calibration): kept as they are
    lif: z
      .looseObject({ tauMeanMs: Num, tauSynMs: Num, vRest: Num, vReset: Num, vTh: Num, tRefMs: Num, dtSimMs: Num, dtTaskMs: Num, tauReadMs: Num, dale: z.boolean(), biasMean: Num, noise: Num })
      .partial(),
    n: Num,
    p: Num,
    scalingMode: z.enum(['gain', 'radius']),
    g: Num,
    rho: Num,
    inputScale: Num,
    inputConnectivity: Num,
    biasScale: Num,
    het: z
      .object({
        family: z.enum(FAMILIES),
        cv: Num,
        tauMin: Num,
        tauMax: Num,
        bound: z.enum(['clip', 'redraw']),
        values: z.array(z.number()).nullable(),
        valuesSource: z.string(),
      })
      .partial(),
    seed: Num,
    extra: z.record(z.string(), z.unknown()),
  })
  .partial();

const FamilyDraft = z
  .object({
    enabled: z.boolean(),
    channels: z.string(),
    channel: Num,
    delays: z.string(),
    degrees: z.string(),
    windows: z.string(),
    orders: z.string(),
    horizons: z.string(),
    kinds: z.object({ mean: z.boolean(), difference: z.boolean() }),
    functions: z.object({ sin: z.boolean(), abs: z.boolean(), cube: z.boolean() }),
  })
  .partial();

const SuiteDraft = z
  .object({
    name: z.string(),
    channels: z.array(z.object({ family: z.string(), timescaleSteps: Num })).min(1).max(64),
    families: z.object(Object.fromEntries(TASK_FAMILIES.map((f) => [f, FamilyDraft])) as Record<(typeof TASK_FAMILIES)[number], typeof FamilyDraft>).partial(),
  })
  .partial();

const ExperimentDraft = z
  .object({
    name: z.string(),
    description: z.string(),
    claim: z.string(),
    rootSeed: Num,
    suiteChoice: z.string(),
    hetFamilies: z.record(z.string(), z.boolean()),
    hetLevels: z.string(),
    customConditions: z.array(z.object({ family: z.string(), cv: z.number() })).nullable(),
    nList: z.string(),
    seeds: Num,
    trainLengths: z.string(),
    tauMeans: z.string(),
    manipulations: z.array(
      z.object({
        label: z.string(),
        op: z.enum(Object.keys(MANIPULATION_OPS) as [ManipulationOp, ...ManipulationOp[]]),
        value: Num,
        mode: z.enum(['random', 'weakest']),
      }),
    ),
    ifArchived: z.enum(['resume', 'new']),
    extra: z.record(z.string(), z.unknown()),
  })
  .partial();

/** Each designer's store, the key its draft is kept under, and the shape a draft must have. */
const DRAFTS = [
  { name: 'network', key: 'quench.draft.v1.network', store: network, schema: NetworkDraft },
  { name: 'suite', key: 'quench.draft.v1.suite', store: suite, schema: SuiteDraft },
  { name: 'experiment', key: 'quench.draft.v1.experiment', store: experiment, schema: ExperimentDraft },
] as const;

export type DraftName = (typeof DRAFTS)[number]['name'];

const isPlain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Copies `value` into `target`: nested objects field by field (a field the draft lacks keeps its value), anything else whole. */
function mergeInto(target: Record<string, unknown>, value: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const t = target[k];
    if (isPlain(t) && isPlain(v)) mergeInto(t, v);
    else target[k] = v;
  }
}

/**
 * Reads every draft from `storage` into its store. Answers the names of the drafts that were there
 * but did not fit (ignored, their stores untouched), each with why.
 */
export function restoreDrafts(storage: Pick<Storage, 'getItem'>): { name: DraftName; why: string }[] {
  const ignored: { name: DraftName; why: string }[] = [];
  for (const d of DRAFTS) {
    let text: string | null;
    try {
      text = storage.getItem(d.key);
    } catch {
      continue;
    }
    if (text === null) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ignored.push({ name: d.name, why: 'it is not JSON' });
      continue;
    }
    const parsed = d.schema.safeParse(value);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      ignored.push({ name: d.name, why: `${first?.path.join('.') || 'the draft'}: ${first?.message ?? 'does not fit'}` });
      continue;
    }
    mergeInto(d.store as unknown as Record<string, unknown>, parsed.data as Record<string, unknown>);
  }
  return ignored;
}

/** Writes one draft; a full storage (a very long list of measured time constants) keeps the last draft that fitted. */
function saveDraft(storage: Pick<Storage, 'setItem'>, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // over the storage quota, or storage switched off: the draft is not kept, the designer works on
  }
}

/**
 * Restores the drafts of this tab, then keeps them as they change. Called once by the app's shell
 * while it is set up (the effects belong to it), before any designer reads its store.
 */
export function keepDrafts(storage: Storage | null = typeof sessionStorage === 'undefined' ? null : sessionStorage): void {
  if (!storage) return;
  for (const { name, why } of restoreDrafts(storage)) console.warn(`quench: the stored ${name} draft was ignored (${why}); the designer starts from its defaults`);
  for (const d of DRAFTS) {
    $effect(() => {
      saveDraft(storage, d.key, $state.snapshot(d.store));
    });
  }
}
