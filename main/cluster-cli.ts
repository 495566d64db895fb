// The cluster's commands: `quench slurm` writes a job-array bundle for an experiment, `quench status`
// says what its shards hold and how to resubmit what is missing (main/slurm.ts).
import { InvalidArgumentError, type Command } from 'commander';
import { resolve } from 'node:path';
import { QuenchError } from '../common/errors.js';
import { formatBytes, formatSeconds } from '../common/format.js';
import { backendByName } from '../worker/backends/registry.js';
import { renderTable } from './archive-format.js';
import { estimateExperiment } from './experiments.js';
import { bundleStatus, writeBundle } from './slurm.js';
import { loadSpec } from './specs.js';

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}"`);
  return n;
}

/** SLURM's --time forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S */
function slurmTimeArg(value: string): string {
  if (!/^(\d+-)?\d+(:\d+){0,2}$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a SLURM time (e.g. 90, 2:00:00, 1-12:00:00)`);
  return value;
}

/** SLURM's --mem forms: a number with an optional K, M, G or T */
function slurmMemArg(value: string): string {
  if (!/^\d+[KMGT]?$/i.test(value)) throw new InvalidArgumentError(`"${value}" is not a SLURM memory size (e.g. 4000M, 8G)`);
  return value;
}

/** a partition or account: it is written into #SBATCH lines, so nothing a shell would read */
function slurmNameArg(value: string): string {
  if (!/^[A-Za-z0-9_.,+-]{1,200}$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a SLURM partition or account name (letters, digits and _ . , + - only)`);
  return value;
}

export function registerClusterCommands(program: Command, setCode: (code: number) => void): void {
  program
    .command('slurm')
    .description('write a SLURM job-array bundle for an experiment: one shard per array task into its own archive, a merge job after them, a submit script and a README')
    .argument('<spec>', 'path to an experiment spec, or a preset name')
    .requiredOption('--shards <K>', 'array tasks (shards), split by estimated work', positiveInt)
    .requiredOption('--dir <folder>', 'where to write the bundle (made if missing; on the cluster, a folder every node sees)')
    .option('--partition <name>', 'SLURM partition', slurmNameArg)
    .option('--account <name>', 'SLURM account', slurmNameArg)
    .option('--time <limit>', "each task's time limit (default: the longest shard's estimate × 2 + 10 min)", slurmTimeArg)
    .option('--cpus-per-task <n>', 'CPUs (worker threads) per shard', positiveInt, 1)
    .option('--mem <size>', "each task's memory (default: the largest shard's peak × 1.5)", slurmMemArg)
    .option('-b, --backend <name>', 'the backend every shard runs on (default wasm: the same numbers on every x86-64 node; auto lets each node choose)', 'wasm')
    .action(async (target: string, o: { shards: number; dir: string; partition?: string; account?: string; time?: string; cpusPerTask: number; mem?: string; backend: string }) => {
      if (o.backend !== 'auto') backendByName(o.backend);
      const { spec, source } = loadSpec(target);
      // the estimate on the threads one shard gets, on this machine's probes (the margins cover the nodes)
      const est = await estimateExperiment(spec, { threads: o.cpusPerTask, backend: o.backend === 'auto' ? 'auto' : o.backend, archive: true });
      if (o.shards > est.runs) throw new QuenchError('input', `--shards ${o.shards}: ${source} has ${est.runs} run(s); ask for at most that many shards`);
      const { bundle, files } = writeBundle(spec, o.dir, { shards: o.shards, partition: o.partition, account: o.account, time: o.time, cpusPerTask: o.cpusPerTask, mem: o.mem, backend: o.backend }, est);
      out(`${source}: ${est.runs} runs in ${o.shards} shards; each task asks for ${o.cpusPerTask} CPU(s), ${bundle.mem}, ${bundle.time}; backend ${bundle.backend}`);
      out(
        renderTable(
          ['shard', 'runs', 'work', 'estimated time', 'peak memory'],
          bundle.plan.map((s) => [String(s.index), String(s.runs), `${(100 * s.share).toFixed(1)} %`, formatSeconds(s.seconds), formatBytes(s.peakBytes)]),
        ),
      );
      out(`wrote ${files.join(', ')}`);
      out(`submit with: bash ${files.find((f) => f.endsWith('submit.sh'))}`);
      setCode(0);
    });

  program
    .command('status')
    .description('what the shards of a cluster bundle hold: done / total per shard, failed and unstarted runs, and the sbatch line that resubmits the incomplete ones')
    .argument('<dir>', 'the bundle folder (quench slurm --dir)')
    .option('--json', 'JSON output')
    .action((dir: string, o: { json?: boolean }) => {
      const s = bundleStatus(dir);
      if (o.json) {
        out(JSON.stringify(s, null, 2));
        setCode(0);
        return;
      }
      const done = s.shards.reduce((a, x) => a + x.done, 0);
      const total = s.shards.reduce((a, x) => a + x.total, 0);
      out(`"${s.bundle.name}": ${done} of ${total} runs done in ${s.bundle.shards} shards${s.merged ? `; merged.sqlite holds ${s.merged.done} of ${s.merged.total}` : '; not merged yet'}`);
      out(
        renderTable(
          ['shard', 'done', 'total', 'failed', 'running', 'state'],
          s.shards.map((x) => [
            String(x.index),
            String(x.done),
            String(x.total),
            String(x.failed),
            String(x.running),
            x.problem ? `unreadable: ${x.problem}` : !x.started ? 'not started' : x.done === x.total ? 'complete' : x.running > 0 ? 'running' : 'incomplete',
          ]),
        ),
      );
      if (s.running.length) out(`\n${s.running.length} shard(s) being made now (${s.running.join(', ')}): wait for them (squeue); a shard killed outright shows as running until its claims lapse, 2 minutes after.`);
      if (s.resubmit) {
        out(`\n${s.incomplete.length} shard(s) not complete. Resubmit only those (each resumes where it stopped):\n  ${s.resubmit}`);
        out(`then merge again, in the bundle's folder: sbatch --dependency=afterany:<that job id> merge.sbatch`);
      } else if (s.running.length) {
        // nothing to resubmit while they run
      } else if (!s.merged || s.merged.done < s.merged.total) {
        const d = resolve(dir);
        out(`\nEvery shard is complete. Merge: cd ${d} && sbatch merge.sbatch (or quench merge ${d}/shards/*.sqlite --into ${d}/merged.sqlite)`);
      } else {
        out('\nEvery shard is complete and merged.');
      }
      setCode(0);
    });
}
