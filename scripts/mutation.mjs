// npm run mutation [-- group ...] [-- --summary]: runs the mutation groups of stryker.config.mjs one
// after another (all of them, about two and a half hours on 2 cores, or the ones named), then adds
// up every group's report in reports/mutation/ into one table: per module, killed (timeouts count as
// killed: the mutant made a loop endless), survived, no coverage, and the score. `--summary` only
// adds up the reports already there.
//
// One kind of survivor is counted apart: a mutant in code that runs while a test file is imported
// ("static"), reported with no test run at all. Stryker's vitest runner reports a test file that fails
// to load as no failed test, so such a mutant "survives" although plain vitest fails on it. The table
// counts these as survived, and says how many there are.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { GROUPS } from '../stryker.config.mjs';

const args = process.argv.slice(2);
const summaryOnly = args.includes('--summary');
const named = args.filter((a) => !a.startsWith('--'));
for (const g of named) if (!(g in GROUPS)) throw new Error(`no mutation group "${g}"; the groups are ${Object.keys(GROUPS).join(', ')}`);

if (!summaryOnly) {
  for (const group of named.length ? named : Object.keys(GROUPS)) {
    console.log(`\n=== mutation group ${group}: ${GROUPS[group].mutate.join(', ')}`);
    const r = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, QUENCH_MUTATION_GROUP: group } });
    if (r.status !== 0) {
      console.error(`mutation group ${group} failed (exit ${r.status}); its report is not counted`);
      process.exitCode = 1;
    }
  }
}

/** per module: killed (with timeouts), survived, of those static with no test run, no coverage */
const modules = new Map();
const missing = [];
for (const group of Object.keys(GROUPS)) {
  const path = `reports/mutation/${group}.json`;
  if (!existsSync(path)) {
    missing.push(group);
    continue;
  }
  const report = JSON.parse(readFileSync(path, 'utf8'));
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const m = modules.get(file) ?? { killed: 0, survived: 0, unloaded: 0, noCoverage: 0 };
    for (const x of mutants) {
      if (x.status === 'Killed' || x.status === 'Timeout') m.killed++;
      else if (x.status === 'Survived') {
        m.survived++;
        if (x.static && !x.testsCompleted) m.unloaded++;
      } else if (x.status === 'NoCoverage') m.noCoverage++;
    }
    modules.set(file, m);
  }
}

const score = (m) => (100 * m.killed) / (m.killed + m.survived + m.noCoverage);
const total = { killed: 0, survived: 0, unloaded: 0, noCoverage: 0 };
const lines = ['module'.padEnd(34) + 'killed  survived (no test run)  no coverage   score'];
for (const [file, m] of [...modules].sort(([a], [b]) => a.localeCompare(b))) {
  for (const k of Object.keys(total)) total[k] += m[k];
  lines.push(`${file.padEnd(34)}${String(m.killed).padStart(6)}  ${String(m.survived).padStart(8)} ${`(${m.unloaded})`.padStart(15)}  ${String(m.noCoverage).padStart(11)}  ${score(m).toFixed(1).padStart(6)} %`);
}
lines.push(`${'all'.padEnd(34)}${String(total.killed).padStart(6)}  ${String(total.survived).padStart(8)} ${`(${total.unloaded})`.padStart(15)}  ${String(total.noCoverage).padStart(11)}  ${modules.size ? score(total).toFixed(1).padStart(6) : '   n/a'} %`);
if (missing.length) lines.push(`not counted, no report yet: ${missing.join(', ')} (npm run mutation -- ${missing.join(' ')})`);
const text = lines.join('\n') + '\n';
console.log('\n' + text);
mkdirSync('reports/mutation', { recursive: true });
writeFileSync('reports/mutation/summary.txt', text);
