// Mutation testing (`npm run mutation`, never part of `npm test`): StrykerJS plants small bugs in
// the modules below one at a time and runs the tests that cover each; a mutant no test fails on
// "survives". Issue 12 §7 asks for a mutation score of at least 85 % on these modules. A full run
// takes about an hour on 2 cores; the report is reports/mutation/mutation.html.
// @ts-check
import { readdirSync, readFileSync } from 'node:fs';

// Parts of files are given as line ranges, found by what the lines say rather than by numbers that
// move with every edit of those files.

/** `file:n-n` for each line of code in `file` that matches `pattern`. */
function linesMatching(file, pattern) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, i) => (pattern.test(line) && !/^\s*(\/\/|\*|\/\*)/.test(line) ? [`${file}:${i + 1}-${i + 1}`] : []));
}

/** `file:a-b` from the first line matching `from` to the line before the next one matching `to`. */
function linesBetween(file, from, to) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const a = lines.findIndex((l) => from.test(l));
  const b = lines.findIndex((l, i) => i > a && to.test(l));
  if (a < 0 || b < 0) throw new Error(`stryker.config.mjs: ${file} has no lines from ${from} to ${to}; update the mutate list`);
  return `${file}:${a + 1}-${b}`;
}

/** the server's checks of the listening host, the Host header and the token, and the 401's header */
const SERVER_CHECK = /\bisLoopbackHost\(|\bauthorised\(|WWW-Authenticate/;
const serverFiles = ['main/serve.ts', ...readdirSync('main/serve').filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'context.ts').map((f) => `main/serve/${f}`)];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  // the vitest runner measures which tests reach each mutant and runs only those
  coverageAnalysis: 'perTest',
  plugins: ['@stryker-mutator/vitest-runner'],
  concurrency: 2,
  mutate: [
    // the engine's numerics
    'worker/heterogeneity.ts',
    'worker/network.ts',
    'worker/models/rate.ts',
    'worker/models/lif.ts',
    'worker/readout.ts',
    'worker/inputs.ts',
    'worker/tasks.ts',
    'worker/rng.ts',
    // the statistics
    'main/analysis/stats.ts',
    'main/analysis/inference.ts',
    // the archive's commit and resume: write/read (the transaction and its error), then
    // createExperiment, addPlanned, remainingRuns, progress, commitRun(s) with what they store, and
    // resetRuns (the rest of Archive, listing, tags, notes and sets, is not mutated)
    linesBetween('db/archive.ts', /^  write<T>\(/, /^  \/\/ -{20}/),
    linesBetween('db/archive.ts', /^  createExperiment\(/, /^  \/\*\* The finished runs of an experiment/),
    // spec validation
    'common/spec.ts',
    'common/validate.ts',
    // the server's security: its headers and loopback rule, the token check, the bearer header and
    // the 401 (main/serve/context.ts), and each line of the server and its routes that checks the
    // listening host, the Host header or the token
    'main/service/security.ts',
    'main/serve/context.ts',
    ...serverFiles.flatMap((f) => linesMatching(f, SERVER_CHECK)),
  ],
  // vitest does not type-check, so there are no type checks to disable (and the AssemblyScript
  // sources under worker/wasm/assembly do not parse as TypeScript)
  disableTypeChecks: false,
  // the renderer's pages stay: test/serve-security.test.ts compares their policy with the server's
  ignorePatterns: ['renderer/*', '!renderer/index.html', '!renderer/gpu-host.html', 'docs', 'test-artifacts', 'bench/out', 'reports', '*.sqlite*'],
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  // a mutant that makes a loop endless times out after 1.5 times the (instrumented) time of its
  // tests plus this
  timeoutMS: 10_000,
  // the initial run with coverage measurement takes several minutes on 2 busy cores
  dryRunTimeoutMinutes: 60,
  // reruns test only the mutants whose code or covering tests changed since the last run
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
export default config;
