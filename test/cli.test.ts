// The command line as a user meets it: the compiled CLI in a child process (npm test builds first).
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePhases } from '../main/phases.js';

let archives = 0;
function quench(...args: string[]) {
  // every invocation gets an archive of its own: these tests run one spec several times (the
  // archive's behaviour is tested in test/archive-cli.test.ts), and nothing goes to the home folder
  const env = { ...process.env, QUENCH_ARCHIVE: join(dir, `archive-${archives++}.sqlite`) };
  const r = spawnSync(process.execPath, ['bin/quench.js', ...args], { encoding: 'utf8', timeout: 120_000, env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'quench-cli-'));

describe('quench CLI', () => {
  it('lists the presets with their claims', () => {
    const r = quench('presets');
    expect(r.code).toBe(0);
    for (const name of ['heterogeneity-gain', 'size-equivalence', 'data-efficiency', 'resilience', 'skew', 'timescale', 'spiking-heterogeneity-gain', 'spiking-size-equivalence', 'spiking-resilience']) {
      expect(r.out).toContain(name);
    }
    expect(r.out).toMatch(/heterogeneity-gain\s+25 runs/);
  });

  it('lists the backends, with threads per run for the split ones and a reason for any that cannot run', () => {
    const r = quench('backends');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual([
      'cpu', 'wasm', 'wasm-f32', 'wasm-split', 'wasm-f32-split', 'wasm-fma', 'wasm-f32-fma', 'wasm-fma-split', 'wasm-f32-fma-split', 'native-fma', 'native-f32-fma', 'native-f32-fma-split', 'gpujs-cpu', 'gpujs', 'gpujs-webgl',
    ]);
    // a command-line process has no GPU host: the backend says how to get one
    expect(lines.find((l) => l.startsWith('gpujs-webgl '))).toMatch(/unavailable: no GPU host is connected; .*quench serve/);
    expect(lines.find((l) => l.startsWith('wasm-split '))).toMatch(
      availableParallelism() >= 2 ? /float64\s+available, 2 threads per run$/ : /unavailable: this machine has one core/,
    );
    expect(lines.find((l) => l.startsWith('wasm '))).toMatch(/float64\s+available$/);
    for (const l of lines) expect(l).toMatch(/ (available|unavailable: \S.*)/);
  });

  it('validates a good spec and counts its runs and tasks', () => {
    const r = quench('validate', 'test/fixtures/small-experiment.json');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/valid\. 6 runs × 25 tasks: about [\d.]+ (ms|s|min) on \d+ threads? \(\d runs? at once; the longest run about [\d.]+ (ms|s)\); memory about [\d.]+ MB per run at most, [\d.]+ MB at once; the archive grows by about \d+ kB\./);
    expect(quench('validate', 'heterogeneity-gain').out).toContain('25 runs × 397 tasks');
  });

  it('rejects a bad spec with exit code 2 and a message naming the field', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', network: { n: 0, heterogeneity: { family: 'weird' } } }));
    const r = quench('run', bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain('network.n: got 0; must be at least 1');
    expect(r.err).toContain('network.heterogeneity.family: got "weird"');
    expect(r.err).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('says where a file is not JSON, and exits 2 for missing files and unknown presets', () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "name": "x",\n  "network": { n: 3 }\n}');
    const r = quench('validate', broken);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/must be JSON .*line 3/);
    expect(quench('run', join(dir, 'nope.json')).err).toContain('no such spec file or preset');
    const unknown = quench('run', 'no-such-preset');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no preset named "no-such-preset"');
    expect(quench('run').code).toBe(2);
  });

  it('runs an experiment: summary table, claim, findings and a results file', () => {
    const out = join(dir, 'results.json');
    const r = quench('run', 'test/fixtures/small-experiment.json', '--out', out, '--threads', '2');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/6\/6 runs/);
    expect(r.out).toMatch(/homogeneous\s+\d\.\d{3} \[\d\.\d{3},\u00a0\d\.\d{3}\]\s+3/);
    expect(r.out).toMatch(/lognormal c=1\s+\d\.\d{3} \[\d\.\d{3},\u00a0\d\.\d{3}\]\s+3/);
    expect(r.out).toContain('Claim tested: Test fixture');
    expect(r.out).toMatch(/lognormal c=1 vs homogeneous\s+paired over 3 seed\(s\)\s+[+\u2212]\d\.\d{3}\s+\[/);
    expect(existsSync(out)).toBe(true);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.kind).toBe('quench.results');
    expect(doc.runs).toHaveLength(6);
    expect(doc.tasks).toHaveLength(25); // delay 5 × 3 channels, product 3 pairs × 3 lag pairs, narma 1
    expect(doc.runs[0].scores.capacity).toHaveLength(25);
    expect(doc.runs[0].seeds.network).toBeTypeOf('number');
    expect(doc.app.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(doc.spec.rootSeed).toBe(77);
  });

  it('the same spec gives the same numbers on a second run', () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    expect(quench('run', 'test/fixtures/small-experiment.json', '-q', '--out', a, '--threads', '1').code).toBe(0);
    expect(quench('run', 'test/fixtures/small-experiment.json', '-q', '--out', b, '--threads', '2').code).toBe(0);
    const scores = (f: string) => JSON.stringify(JSON.parse(readFileSync(f, 'utf8')).runs.map((r: { scores: unknown }) => r.scores));
    expect(scores(a)).toBe(scores(b));
  });

  it('--timings says where the time went, phase by phase, in a line scripts can read', () => {
    const r = quench('run', 'test/fixtures/small-experiment.json', '-q', '--no-archive', '--threads', '1', '--timings');
    expect(r.code).toBe(0);
    const t = parsePhases(r.err);
    expect(t, r.err).not.toBeNull();
    for (const k of ['start', 'plan', 'estimate', 'calibration', 'runs', 'findings', 'output', 'total']) expect(t!.phases[k], k).toBeGreaterThanOrEqual(0);
    expect(t!.phases.archive).toBeLessThan(0.01); // --no-archive: nothing stored
    for (const k of ['prepare', 'simulate', 'readout', 'mechanisms']) expect(t!.runParts[k], k).toBeGreaterThanOrEqual(0);
    expect(t!.runParts.simulate + t!.runParts.readout).toBeGreaterThan(0);
    // the phases of this one thread add up to at most the process's time (commits are inside the runs)
    const { total, commit = 0, ...parts } = t!.phases;
    expect(Object.values(parts).reduce((a, b) => a + b, 0) - commit).toBeLessThanOrEqual(total + 0.002);
    expect(quench('run', 'test/fixtures/small-experiment.json', '-q', '--no-archive', '--threads', '1').err).not.toContain('timings (s)');
  });

  it('runs several specs one after another in one process: each archived, each with its timings, the same numbers as alone', () => {
    const archive = join(dir, 'several.sqlite');
    // one backend named: the calibrated choice could differ between the processes (other bits)
    const r = quench('run', 'test/fixtures/small-experiment.json', 'test/fixtures/resilience-small.json', '-q', '--archive', archive, '--timings', '--threads', '2', '-b', 'wasm');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Small test experiment: 6 runs in [\d.]+ s/);
    expect(r.out).toMatch(/Small resilience: \d+ runs in [\d.]+ s/);
    const timings = r.err.split('\n').filter((l) => l.startsWith('timings (s)')).map((l) => parsePhases(l)!);
    expect(timings.length).toBe(2);
    expect(timings[0].phases.start).toBeGreaterThan(0);
    expect(timings[1].phases.start).toBe(0); // the process had started already
    // the second spec ran on threads warm from the first: the same numbers as in a process of its own
    const again = join(dir, 'several-again.json');
    expect(quench('resume', 'Small resilience', '-q', '--archive', archive, '--out', again).code).toBe(0);
    const alone = join(dir, 'alone.json');
    expect(quench('run', 'test/fixtures/resilience-small.json', '-q', '--no-archive', '--threads', '2', '-b', 'wasm', '--out', alone).code).toBe(0);
    // (the archive keeps the spectra to four digits: they are left out)
    type Run = { scores: unknown; network: { rhoW: number; rhoEff: number }; mechanisms: { spectrum?: unknown } };
    const numbers = (f: string) =>
      JSON.stringify(JSON.parse(readFileSync(f, 'utf8')).runs.map(({ scores, network, mechanisms: { spectrum: _s, ...m } }: Run) => [scores, network.rhoW, network.rhoEff, m]));
    expect(numbers(again)).toBe(numbers(alone));
  });

  it('checks every spec before the first starts, and refuses --out or --shard with several', () => {
    const archive = join(dir, 'refused.sqlite');
    const r = quench('run', 'test/fixtures/small-experiment.json', 'no-such-preset', '--archive', archive);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no preset named "no-such-preset"');
    expect(r.out).toBe(''); // nothing ran
    expect(existsSync(archive)).toBe(false);
    const out = quench('run', 'heterogeneity-gain', 'timescale', '--out', join(dir, 'x.json'));
    expect(out.code).toBe(2);
    expect(out.err).toMatch(/--out writes the results of one experiment, and 2 specs were given/);
    const shard = quench('run', 'heterogeneity-gain', 'timescale', '--shard', '0/2', '--archive', archive);
    expect(shard.code).toBe(2);
    expect(shard.err).toMatch(/--shard makes part of one experiment, and 2 specs were given/);
  });

  it('runs on the backend it is given, records it per run, and refuses an unknown one in words', () => {
    const out = join(dir, 'cpu.json');
    const r = quench('run', 'test/fixtures/small-experiment.json', '--backend', 'cpu', '--out', out, '--threads', '1');
    expect(r.code).toBe(0);
    expect(r.err).toContain('backend cpu (as asked)');
    expect(JSON.parse(readFileSync(out, 'utf8')).runs.every((x: { backend: string }) => x.backend === 'cpu')).toBe(true);
    const auto = quench('run', 'test/fixtures/small-experiment.json', '--out', join(dir, 'auto.json'), '--threads', '1');
    expect(auto.err).toMatch(/backend li\/n32\/sparse: (wasm|wasm-fma|native-fma|cpu) \((kernel probe: |the only candidate)/);
    const bad = quench('run', 'test/fixtures/small-experiment.json', '--backend', 'quantum');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('there is no backend "quantum"; backends: cpu, wasm, wasm-f32, wasm-split, wasm-f32-split, wasm-fma, wasm-f32-fma, wasm-fma-split, wasm-f32-fma-split, native-fma, native-f32-fma, native-f32-fma-split, gpujs-cpu, gpujs');
  });
});
