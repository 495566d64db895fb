// The one spec format: network, input, task suite, readout and experiment are plain JSON documents.
// The UI edits them, the engine runs them, the archive stores them. Every default here is the one
// documented in docs/model.md; none is hard-coded physics.
import { z } from 'zod';

export const SPEC_VERSION = 1;

const finite = () => z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const posInt = () => z.number().int().min(1);
const nonNegInt = () => z.number().int().min(0);

export const HETEROGENEITY_FAMILIES = [
  'none',
  'uniform',
  'normal',
  'lognormal',
  'gamma',
  'reflected-lognormal',
  'empirical',
] as const;
export type HeterogeneityFamily = (typeof HETEROGENEITY_FAMILIES)[number];

export const HeterogeneitySchema = z
  .object({
    family: z.enum(HETEROGENEITY_FAMILIES).default('none'),
    /** coefficient of variation c of z = tau / tauMean (the "level"); ignored by none and empirical */
    cv: finite().min(0).max(10).default(0),
    /** lower bound on tau, in the model's time unit; default: the integration step */
    tauMin: finite().positive().optional(),
    /** upper bound on tau, in the model's time unit; default: 100 * tauMean */
    tauMax: finite().positive().optional(),
    bound: z.enum(['clip', 'redraw']).default('clip'),
    /**
     * 'nominal' (the default, also when absent): cv is the family's parameter c, and the bounds may cut
     * the realised CV below it (symmetric families much more than skewed ones). 'realised': cv is the
     * realised CV to reach; the nominal c is calibrated per network seed until the realised CV is
     * within 2 % of it, and stored with the run (docs/model.md §2.4).
     */
    match: z.enum(['nominal', 'realised']).optional(),
    /** measured time constants for `empirical` (any unit: only their shape is used, rescaled to mean 1) */
    values: z.array(finite().positive()).min(2).optional(),
  })
  .strict()
  .superRefine((h, ctx) => {
    if (h.family === 'empirical' && !h.values) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'family "empirical" needs values (at least 2 measured time constants)' });
    }
    if (h.tauMin !== undefined && h.tauMax !== undefined && h.tauMin >= h.tauMax) {
      ctx.addIssue({ code: 'custom', path: ['tauMax'], message: `must be greater than tauMin (${h.tauMin})` });
    }
    if (h.family === 'reflected-lognormal' && h.cv > 0 && h.bound === 'redraw' && h.cv > 3) {
      ctx.addIssue({ code: 'custom', path: ['cv'], message: 'reflected-lognormal with bound "redraw" cannot reach cv above 3 (almost every draw is negative)' });
    }
  });
export type HeterogeneitySpec = z.infer<typeof HeterogeneitySchema>;

export const RateModelSchema = z
  .object({
    kind: z.literal('rate'),
    /** `li`: exponential-Euler leaky integrator; `esn`: ReservoirPy's leaky ESN update */
    form: z.enum(['li', 'esn']).default('li'),
    /** mean membrane time constant, in task steps */
    tauMeanSteps: finite().positive().max(1e6).default(5),
    /** standard deviation of the additive state noise per step */
    noise: finite().min(0).default(0),
  })
  .strict();
export type RateModelSpec = z.infer<typeof RateModelSchema>;

/**
 * Spiking comparisons at a matched population rate (docs/model.md §1.3): before its simulation, a run
 * sets its bias mean (or its threshold) so that its network's mean rate is within `tolerance` of the
 * target, on the run's own input and length; the calibrated value and the rate reached are stored
 * with the run.
 */
export const RateCalibrationSchema = z
  .object({
    /** a rate in Hz, or 'homogeneous': the rate of the run's homogeneous twin (family none, the same seeds and manipulations) at the uncalibrated drive */
    target: z.union([finite().gt(0).max(400), z.literal('homogeneous')]),
    /** what is adjusted: the bias mean (default) or the threshold vTh */
    by: z.enum(['bias', 'threshold']).default('bias'),
    /** relative tolerance on the rate */
    tolerance: finite().gt(0).max(0.5).default(0.05),
  })
  .strict();
export type RateCalibrationSpec = z.infer<typeof RateCalibrationSchema>;

export const LifModelSchema = z
  .object({
    kind: z.literal('lif'),
    tauMeanMs: finite().positive().max(1e5).default(20),
    tauSynMs: finite().positive().default(5),
    vRest: finite().default(0),
    vReset: finite().default(0),
    vTh: finite().default(1),
    tRefMs: finite().min(0).default(2),
    dtSimMs: finite().positive().default(1),
    /** one task step lasts this long; must be a whole number of simulation steps */
    dtTaskMs: finite().positive().default(10),
    /** time constant of the exponential kernel that turns spike trains into readout features */
    tauReadMs: finite().positive().default(20),
    /** 80 % excitatory / 20 % inhibitory with balanced weights */
    dale: z.boolean().default(false),
    /** mean of the constant bias current (in units of vTh - vRest, with R = 1); the default puts the
     *  default spiking presets at 9-33 Hz across heterogeneity levels (docs/model.md §1.2; the product spec asks for 5-30 Hz; lognormal c = 2 is the top) */
    biasMean: finite().default(0.5),
    noise: finite().min(0).default(0),
    /** absent: the bias is biasMean as given (uncalibrated) */
    calibration: RateCalibrationSchema.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const ratio = m.dtTaskMs / m.dtSimMs;
    // (a task step far shorter than dtSimMs is within 1e-9 of 0 steps: refused on its own words)
    if (Math.round(ratio) < 1) {
      ctx.addIssue({ code: 'custom', path: ['dtTaskMs'], message: `must be at least dtSimMs (${m.dtSimMs}): a task step is one or more simulation steps` });
    } else if (Math.abs(ratio - Math.round(ratio)) > 1e-9) {
      ctx.addIssue({ code: 'custom', path: ['dtTaskMs'], message: `must be a whole multiple of dtSimMs (${m.dtSimMs})` });
    }
    if (m.vReset >= m.vTh) ctx.addIssue({ code: 'custom', path: ['vReset'], message: `must be below vTh (${m.vTh})` });
  });
export type LifModelSpec = z.infer<typeof LifModelSchema>;


export const ModelSchema = z.discriminatedUnion('kind', [RateModelSchema, LifModelSchema]);
export type ModelSpec = z.infer<typeof ModelSchema>;

export const ScalingSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('gain'), g: finite().min(0).max(100).default(0.9) }).strict(),
  z.object({ mode: z.literal('radius'), rho: finite().min(0).max(100).default(0.9) }).strict(),
]);
export type ScalingSpec = z.infer<typeof ScalingSchema>;

export const ManipulationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('scaleGain'), factor: finite().min(0).max(2) }).strict(),
  z.object({ op: z.literal('resampleConnectivity'), p: finite().gt(0).max(1) }).strict(),
  z.object({ op: z.literal('weightNoise'), sigma: finite().min(0).max(10) }).strict(),
  z.object({ op: z.literal('prune'), fraction: finite().min(0).max(1), mode: z.enum(['random', 'weakest']).default('random') }).strict(),
  z.object({ op: z.literal('removeRecurrence') }).strict(),
  z.object({ op: z.literal('scaleInput'), factor: finite().min(0).max(100) }).strict(),
  z.object({ op: z.literal('perturbTau'), sigma: finite().min(0).max(10) }).strict(),
]);
export type Manipulation = z.infer<typeof ManipulationSchema>;

export const NetworkSchema = z
  .object({
    n: posInt().max(20000).default(100),
    /** Erdos-Renyi connection probability of the recurrent matrix */
    p: finite().gt(0).max(1).default(0.1),
    scaling: ScalingSchema.default({ mode: 'gain', g: 0.9 }),
    inputScale: finite().min(0).default(1),
    inputConnectivity: finite().gt(0).max(1).default(1),
    biasScale: finite().min(0).default(0.5),
    heterogeneity: HeterogeneitySchema.default({ family: 'none', cv: 0, bound: 'clip' }),
    model: ModelSchema.default({ kind: 'rate', form: 'li', tauMeanSteps: 5, noise: 0 }),
    /** applied in order to the base network (resilience experiments) */
    manipulations: z.array(ManipulationSchema).default([]),
  })
  .strict();
export type NetworkSpec = z.infer<typeof NetworkSchema>;

export const INPUT_FAMILIES = ['white', 'coloured', 'sines', 'mackey-glass', 'lorenz', 'hold', 'pulses'] as const;
export type InputFamily = (typeof INPUT_FAMILIES)[number];

export const ChannelSchema = z
  .object({
    family: z.enum(INPUT_FAMILIES).default('white'),
    /** coloured: correlation time in steps; hold: mean hold length in steps; pulses: mean gap in steps */
    timescaleSteps: finite().positive().optional(),
  })
  .strict();
export type ChannelSpec = z.infer<typeof ChannelSchema>;

/** the most steps a segment may have (memory is checked by the admission before anything runs) */
export const MAX_SEGMENT_STEPS = 10_000_000;

export const SegmentsSchema = z
  .object({
    washout: nonNegInt().max(MAX_SEGMENT_STEPS).default(200),
    train: posInt().max(MAX_SEGMENT_STEPS).default(2000),
    validation: posInt().max(MAX_SEGMENT_STEPS).default(500),
    test: posInt().max(MAX_SEGMENT_STEPS).default(500),
  })
  .strict();
export type Segments = z.infer<typeof SegmentsSchema>;

export const InputSchema = z
  .object({
    channels: z.array(ChannelSchema).min(1).max(64).default([{ family: 'white' }, { family: 'white' }, { family: 'white' }]),
    segments: SegmentsSchema.default({ washout: 200, train: 2000, validation: 500, test: 500 }),
  })
  .strict();
export type InputSpec = z.infer<typeof InputSchema>;

const channelsSel = z.union([z.literal('all'), z.array(nonNegInt()).min(1)]);
/** every list of a task family or a sweep has at most this many entries */
export const MAX_LIST = 1000;
const lags = () => z.array(nonNegInt().max(100000)).min(1).max(MAX_LIST);

export const TaskFamilySchema = z.discriminatedUnion('family', [
  z.object({ family: z.literal('delay'), channels: channelsSel.default('all'), delays: lags() }).strict(),
  z.object({ family: z.literal('legendre'), channels: channelsSel.default('all'), degrees: z.array(z.number().int().min(1).max(20)).min(1).max(20), delays: lags() }).strict(),
  z.object({ family: z.literal('product'), delays: lags() }).strict(),
  z.object({
    family: z.literal('window'),
    channels: channelsSel.default('all'),
    windows: z.array(z.number().int().min(1).max(100000)).min(1).max(MAX_LIST),
    kinds: z.array(z.enum(['mean', 'difference'])).min(1).default(['mean', 'difference']),
  }).strict(),
  z.object({ family: z.literal('narma'), channel: nonNegInt().default(0), orders: z.array(z.number().int().min(1).max(1000)).min(1).max(MAX_LIST) }).strict(),
  z.object({ family: z.literal('forecast'), channels: channelsSel.default('all'), horizons: z.array(posInt().max(100000)).min(1).max(MAX_LIST) }).strict(),
  z.object({ family: z.literal('xor'), delays: lags() }).strict(),
  z.object({ family: z.literal('static'), channels: channelsSel.default('all'), functions: z.array(z.enum(['sin', 'abs', 'cube'])).min(1).default(['sin', 'abs', 'cube']) }).strict(),
]);
export type TaskFamilySpec = z.infer<typeof TaskFamilySchema>;
export type TaskFamilyName = TaskFamilySpec['family'];

export const SuiteSchema = z
  .object({
    name: z.string().min(1).max(200).default('default'),
    version: posInt().default(1),
    families: z.array(TaskFamilySchema).min(1).max(100),
  })
  .strict();
export type SuiteSpec = z.infer<typeof SuiteSchema>;

/** The default suite of docs/model.md §5.4: 397 tasks with D = 3 white-noise channels. */
export const DEFAULT_SUITE: SuiteSpec = {
  name: 'default',
  version: 1,
  families: [
    { family: 'delay', channels: 'all', delays: range(0, 40, 1) },
    { family: 'legendre', channels: 'all', degrees: [2, 3, 4, 5], delays: [0, 2, 5, 10, 20] },
    { family: 'product', delays: range(0, 10, 2) },
    { family: 'window', channels: 'all', windows: range(2, 40, 2), kinds: ['mean', 'difference'] },
    { family: 'narma', channel: 0, orders: [5, 10, 20, 30] },
    { family: 'forecast', channels: 'all', horizons: range(1, 20, 1) },
    { family: 'xor', delays: [0, 2, 4] },
    { family: 'static', channels: 'all', functions: ['sin', 'abs', 'cube'] },
  ],
};

export const ReadoutSchema = z
  .object({
    /** ridge values tried per task; the best on the validation segment is used on test */
    ridges: z.array(finite().min(0)).min(1).max(64).default(logGrid(-8, 2)),
  })
  .strict();
export type ReadoutSpec = z.infer<typeof ReadoutSchema>;

const HeterogeneityConditionSchema = z
  .object({
    family: z.enum(HETEROGENEITY_FAMILIES),
    cv: finite().min(0).max(10).default(0),
    /** as network.heterogeneity.match: 'realised' makes cv the realised CV to reach */
    match: z.enum(['nominal', 'realised']).optional(),
  })
  .strict();

const ManipulationConditionSchema = z
  .object({
    label: z.string().min(1).max(100),
    ops: z.array(ManipulationSchema),
  })
  .strict();
export type ManipulationCondition = z.infer<typeof ManipulationConditionSchema>;

/** the most runs one experiment may make (the product of its sweep's lists and seeds) */
export const MAX_RUNS = 1_000_000;

export const ANALYSES = ['heterogeneity', 'size', 'data-efficiency', 'resilience', 'skew', 'timescale', 'none'] as const;
export type AnalysisKind = (typeof ANALYSES)[number];

export const SweepSchema = z
  .object({
    /** heterogeneity conditions (family and level); each overrides network.heterogeneity's family and cv */
    heterogeneity: z.array(HeterogeneityConditionSchema).min(1).max(MAX_LIST).optional(),
    n: z.array(posInt().max(20000)).min(1).max(MAX_LIST).optional(),
    /** number of network/input seeds (seed indices 0..seeds-1) */
    seeds: posInt().max(10000).default(1),
    /** training lengths L: the readout trains on the first L steps of the training segment */
    trainLength: z.array(posInt()).min(1).max(MAX_LIST).optional(),
    manipulations: z.array(ManipulationConditionSchema).min(1).max(MAX_LIST).optional(),
    /** mean time constant (task steps for rate, ms for LIF) */
    tauMean: z.array(finite().positive().max(1e6)).min(1).max(MAX_LIST).optional(),
  })
  .strict();
export type SweepSpec = z.infer<typeof SweepSchema>;

export const ExperimentSchema = z
  .object({
    kind: z.literal('quench.experiment').default('quench.experiment'),
    version: z.number().int().min(1).max(SPEC_VERSION).default(SPEC_VERSION),
    name: z.string().min(1).max(200),
    description: z.string().max(5000).default(''),
    /** the claim of the source study that this experiment tests (reported with its result) */
    claim: z.string().max(2000).default(''),
    analysis: z.enum(ANALYSES).default('none'),
    /** one root seed; every network, input stream and manipulation derives its seed from it */
    rootSeed: z.number().int().min(0).max(0xffffffff).default(1),
    network: NetworkSchema.default(NetworkSchema.parse({})),
    input: InputSchema.default(InputSchema.parse({})),
    suite: z.union([z.literal('default'), SuiteSchema]).default('default'),
    readout: ReadoutSchema.default(ReadoutSchema.parse({})),
    sweep: SweepSchema.default({ seeds: 1 }),
    /** the mechanism measures that cost more than a tenth of a run (absent: the defaults) */
    mechanisms: z
      .object({
        /** the spectrum of the linearised update also above N = 400 (O(N³): about 3× a run's time at N = 1000) */
        spectraAboveLimit: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    const train = e.input.segments.train;
    for (const [i, l] of (e.sweep.trainLength ?? []).entries()) {
      if (l > train) ctx.addIssue({ code: 'custom', path: ['sweep', 'trainLength', i], message: `must be at most the training segment (input.segments.train = ${train})` });
    }
    const conds = e.sweep.heterogeneity ?? [];
    if (conds.some((c) => c.family === 'empirical') && !e.network.heterogeneity.values) {
      ctx.addIssue({ code: 'custom', path: ['network', 'heterogeneity', 'values'], message: 'the sweep uses family "empirical": give the measured values here' });
    }
    const sw = e.sweep;
    const runs = (sw.heterogeneity?.length ?? 1) * (sw.n?.length ?? 1) * (sw.tauMean?.length ?? 1) * (sw.manipulations?.length ?? 1) * (sw.trainLength?.length ?? 1) * sw.seeds;
    if (runs > MAX_RUNS) ctx.addIssue({ code: 'custom', path: ['sweep'], message: `makes ${runs} runs; an experiment has at most ${MAX_RUNS} (split it, or sweep fewer values)` });
    const labels = (e.sweep.manipulations ?? []).map((m) => m.label);
    const dup = labels.find((l, i) => labels.indexOf(l) !== i);
    if (dup) ctx.addIssue({ code: 'custom', path: ['sweep', 'manipulations'], message: `labels must be unique; "${dup}" appears twice` });
  });
export type ExperimentSpec = z.infer<typeof ExperimentSchema>;
export type ExperimentInput = z.input<typeof ExperimentSchema>;

export function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to + 1e-9; v += step) out.push(v);
  return out;
}

export function logGrid(fromExp: number, toExp: number): number[] {
  const out: number[] = [];
  for (let e = fromExp; e <= toExp; e++) out.push(Number(`1e${e}`));
  return out;
}
