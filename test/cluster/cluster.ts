// A real single-node SLURM cluster for the cluster tests (npm run test:cluster): munged, slurmctld and
// slurmd from Debian's munge and slurm-wlm, on a slurm.conf of its own in a temporary folder, on free
// ports, started before the tests and stopped after them. Nothing here is a mock: sbatch, squeue and
// scancel talk to the daemons, and the jobs run `quench` as SLURM starts them.
//
// It needs root (slurmd starts jobs as their user) and the binaries. Without them the tests skip,
// except in CI (CI=true), where a missing cluster is a failure: .ci/run installs it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, totalmem, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARIES = ['munged', 'munge', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'sinfo'];

/** why no cluster can start here, in words; null when one can */
export function clusterUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'the cluster tests run as root (slurmd starts the jobs)';
  const missing = BINARIES.filter((b) => spawnSync('which', [b]).status !== 0);
  if (missing.length) return `missing ${missing.join(', ')} (apt-get install slurm-wlm munge)`;
  return null;
}

export interface Cluster {
  /** the environment for sbatch, squeue, scancel and the jobs: SLURM_CONF names this cluster's conf */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** runs a SLURM command; throws with its output when it fails */
  slurm(cmd: string, args: string[]): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function mungeWorks(): boolean {
  const cred = spawnSync('munge', ['-n'], { encoding: 'utf8' });
  if (cred.status !== 0) return false;
  return spawnSync('unmunge', [], { input: cred.stdout }).status === 0;
}

/** munged as the munge user, with a key in /etc/munge (Debian's package makes one; else we do) */
async function startMunge(): Promise<void> {
  if (mungeWorks()) return;
  const key = '/etc/munge/munge.key';
  if (!existsSync(key)) {
    mkdirSync('/etc/munge', { recursive: true });
    const made = spawnSync('mungekey', ['--create', '--keyfile', key]);
    if (made.status !== 0) throw new Error(`mungekey --create failed: ${made.stderr}`);
  }
  for (const d of ['/etc/munge', '/run/munge', '/var/lib/munge', '/var/log/munge']) {
    mkdirSync(d, { recursive: true });
    spawnSync('chown', ['munge:munge', d]);
  }
  spawnSync('chown', ['munge:munge', key]);
  chmodSync(key, 0o400);
  chmodSync('/etc/munge', 0o700);
  const r = spawnSync('runuser', ['-u', 'munge', '--', 'munged', '--force'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`munged did not start: ${r.stderr}${r.stdout}`);
  for (let i = 0; i < 50 && !mungeWorks(); i++) await sleep(100);
  if (!mungeWorks()) throw new Error('munged started but munge -n | unmunge fails');
}

/** Starts the cluster and resolves once its one node is idle. */
export async function startCluster(): Promise<Cluster> {
  await startMunge();
  const dir = mkdtempSync(join(tmpdir(), 'quench-slurm-'));
  chmodSync(dir, 0o755);
  for (const d of ['state', 'spool', 'log']) mkdirSync(join(dir, d));
  const node = hostname().split('.')[0];
  const [ctld, slurmd] = [await freePort(), await freePort()];
  const memory = Math.floor((totalmem() / 2 ** 20) * 0.8);
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=quench-test',
      `SlurmctldHost=${node}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core_Memory',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'MpiDefault=none',
      'ReturnToService=2',
      // a requeued or cancelled task's slot comes back at once
      'KillWait=5',
      'MinJobAge=2',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      `SlurmctldPort=${ctld}`,
      `SlurmdPort=${slurmd}`,
      `NodeName=${node} CPUs=${cpus().length} RealMemory=${memory} State=UNKNOWN`,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const daemons: ChildProcess[] = [];
  // in the foreground (-D), as our children: stopping them is killing them
  for (const d of ['slurmctld', 'slurmd']) {
    const c = spawn(d, ['-D', '-f', conf], { env, stdio: 'ignore' });
    daemons.push(c);
  }
  const slurm = (cmd: string, args: string[]): string => {
    const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const log = () => ['slurmctld', 'slurmd'].map((d) => `--- ${d}.log\n${readIf(join(dir, 'log', `${d}.log`)).slice(-3000)}`).join('\n');
  const stop = async () => {
    spawnSync('scancel', ['--full', '--user', 'root'], { env });
    for (const c of daemons) c.kill('SIGTERM');
    await Promise.all(daemons.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    rmSync(dir, { recursive: true, force: true });
  };
  const started = Date.now();
  for (;;) {
    const state = spawnSync('sinfo', ['-h', '-N', '-o', '%T'], { env, encoding: 'utf8' }).stdout?.trim();
    if (state === 'idle') break;
    if (Date.now() - started > 60_000) {
      const l = log();
      await stop();
      throw new Error(`the SLURM node is not idle after 60 s (sinfo: ${state || 'no answer'})\n${l}`);
    }
    await sleep(300);
  }
  return { env, dir, slurm, stop };
}

function readIf(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** job ids (array tasks as 12_3) still queued or running of those given */
export function activeJobs(c: Cluster, ids: string[]): string[] {
  // one at a time: squeue refuses the whole list when SLURM has forgotten one of its jobs
  return ids.flatMap((id) =>
    (spawnSync('squeue', ['-h', '-r', '-o', '%i %T', '-j', id], { env: c.env, encoding: 'utf8' }).stdout ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

/** Waits until none of the jobs is queued or running (a job SLURM has forgotten counts as ended). */
export async function waitForJobs(c: Cluster, ids: string[], timeoutMs = 240_000): Promise<void> {
  const started = Date.now();
  while (activeJobs(c, ids).length > 0) {
    if (Date.now() - started > timeoutMs) throw new Error(`jobs ${ids.join(',')} still active after ${timeoutMs / 1000} s: ${activeJobs(c, ids).join('; ')}`);
    await sleep(500);
  }
}
