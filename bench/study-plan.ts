// The study plan: what bench/study_numpy.py needs to do the work of a whole rate study (the rate
// presets, every run end to end) in plain numpy, so that a bench can put "Quench took X s" beside
// "numpy took Y s for the same runs, tasks and readout".
//
// Usage: node dist/bench/study-plan.js <plan.json> [preset ...]       (default: the six rate presets)
//
// What numpy receives and what it draws itself (the design; see also study_numpy.py's header):
//   - tau, realised (buildNetwork's net.tau, after the heterogeneity family, its bounds, a realised-
//     CV calibration and any perturbTau): passed as numbers. tau is what the experiments vary, so
//     numpy's dynamics must have the very same time constants; re-implementing the seven families,
//     their bounds and the realised-CV search in Python would only be a second copy to keep right.
//     It costs little (N numbers a run).
//   - W, U, b and the input stream: NOT passed. numpy draws its own from its own generator, seeded
//     from the run's network and input seeds, with the same law: W Erdos-Renyi N(0,1) at density p
//     scaled by g / sqrt(p N) (or to a spectral radius), the manipulations applied in order, U and b
//     Gaussian, each input channel of the same family. So (a) drawing them is part of numpy's timed
//     work, as it is of Quench's; (b) runs that share a network seed share W, U, b in numpy too, and
//     runs that share an input seed share the stream (the paired design holds); (c) the file stays
//     small. Dense W would be 160 k numbers per run at N = 400 (a 2.5 MB line each) and would turn
//     numpy's network stage into JSON parsing. Values then differ from Quench's, their statistics not:
//     scores agree on average over runs, not run by run.
//   - the task list (buildSuite's expansion: family, channels, params) is passed once per preset and
//     referenced by index, so numpy computes the same K targets from its own stream.
// The realised density of Quench's W (after the manipulations) travels as `quench.density`, so a
// reader can check that numpy's draw has the same density.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { planRuns } from '../main/plan.js';
import { loadSpec } from '../main/specs.js';
import { buildNetwork } from '../worker/network.js';
import { runTasks, totalSteps } from '../worker/run.js';

/** the rate presets (the spiking-* ones are LIF and are not part of this study) */
export const RATE_PRESETS = ['heterogeneity-gain', 'size-equivalence', 'data-efficiency', 'resilience', 'skew', 'timescale'];

/** One task as numpy computes its target: the family, its channels and parameters (worker/tasks.ts). */
interface PlanTask {
  id: string;
  family: string;
  channels: number[];
  params: Record<string, number | string>;
  classification: boolean;
}

/** One run of the plan (numbers in the model's units: task steps). */
interface PlanRun {
  index: number;
  key: string;
  n: number;
  /** numpy seeds its W, U, b and manipulation draws from `network`, its input channels and noise from `input` */
  seeds: { network: number; input: number };
  /** the base recurrent matrix: Erdos-Renyi density p, then the scaling rule */
  p: number;
  scaling: { mode: 'gain'; g: number } | { mode: 'radius'; rho: number };
  /** applied in order after scaling (docs/model.md §3.4); perturbTau is already in `tau` */
  manipulations: unknown[];
  inputScale: number;
  inputConnectivity: number;
  biasScale: number;
  /** li: x <- a x + (1 - a) h, a = exp(-1/tau); esn: r <- (1 - lr) r + lr tanh(h), lr = min(1, 1/tau) */
  form: 'li' | 'esn';
  noise: number;
  /** the realised time constants, one per neuron */
  tau: number[];
  /** input channels (family, timescaleSteps); D = channels.length */
  channels: { family: string; timescaleSteps?: number }[];
  segments: { washout: number; train: number; validation: number; test: number };
  /** washout + train + validation + test */
  steps: number;
  /** the readout trains on [washout, washout + trainLength) */
  trainLength: number;
  ridges: number[];
  /** index into the preset's `taskLists` */
  tasks: number;
  /** what Quench realised, for checks only */
  quench: { density: number };
}

interface PlanPreset {
  name: string;
  taskLists: PlanTask[][];
  runs: PlanRun[];
}

/** Writes the plan of `presets` (default: the six rate presets) to `file`. */
export function writeStudyPlan(file: string, presets: string[] = RATE_PRESETS): { presets: { name: string; runs: number }[] } {
  const out: PlanPreset[] = [];
  for (const name of presets) {
    const { spec } = loadSpec(name);
    if (spec.network.model.kind !== 'rate') throw new Error(`preset ${name} is not a rate model (${spec.network.model.kind}): the numpy study covers rate networks only`);
    const taskLists: PlanTask[][] = [];
    const listIndex = new Map<string, number>(); // a task list's JSON -> its index (every run of a preset has the same)
    const runs: PlanRun[] = [];
    for (const run of planRuns(spec)) {
      const model = run.network.model;
      if (model.kind !== 'rate') throw new Error(`run ${run.key} of ${name} is not a rate run`);
      const tasks: PlanTask[] = runTasks(run).map((t) => ({ id: t.id, family: t.family, channels: t.channels, params: t.params, classification: t.classification }));
      const json = JSON.stringify(tasks);
      let ti = listIndex.get(json);
      if (ti === undefined) {
        ti = taskLists.push(tasks) - 1;
        listIndex.set(json, ti);
      }
      // buildNetwork for the realised tau (and density): the same call a run makes (worker/run.ts prepareRun)
      const net = buildNetwork(run.network, run.input.channels.length, run.seeds.network);
      runs.push({
        index: run.index,
        key: run.key,
        n: run.network.n,
        seeds: { network: run.seeds.network, input: run.seeds.input },
        p: run.network.p,
        scaling: run.network.scaling,
        manipulations: run.network.manipulations,
        inputScale: run.network.inputScale,
        inputConnectivity: run.network.inputConnectivity,
        biasScale: run.network.biasScale,
        form: model.form,
        noise: model.noise,
        tau: Array.from(net.tau),
        channels: run.input.channels.map((c) => ({ ...c })),
        segments: { ...run.input.segments },
        steps: totalSteps(run),
        trainLength: run.factors.trainLength,
        ridges: [...run.readout.ridges],
        tasks: ti,
        quench: { density: net.density },
      });
    }
    out.push({ name, taskLists, runs });
  }
  writeFileSync(file, JSON.stringify({ kind: 'quench.study-plan', version: 1, presets: out }));
  return { presets: out.map((p) => ({ name: p.name, runs: p.runs.length })) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node dist/bench/study-plan.js <plan.json> [preset ...]');
    process.exit(2);
  }
  const names = process.argv.slice(3);
  const made = writeStudyPlan(file, names.length ? names : undefined);
  console.log(JSON.stringify(made));
}
