// The archive's commands: experiments, runs, compare, sets, export, import, merge, tag, note.
// Results go to stdout (a table, --json or --csv), what was written where to stderr.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { QuenchError } from '../common/errors.js';
import { Archive } from '../db/archive.js';
import { parseInstant, type RunFilter } from '../db/filters.js';
import { exportRuns, importArchives, type ImportReport } from '../db/transfer.js';
import { compare } from './analysis/compare.js';
import { comparisonCsv, formatComparison, SECTIONS } from './analysis/tables.js';
import { formatBytes, num as fmt } from '../common/format.js';
import { outputFormat, renderCsv, renderTable } from './archive-format.js';
import { archiveArg, archiveLocation, openArchive, type ArchiveLocation } from './archive-location.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface SelectionOptions {
  archive?: string;
  experiment?: string[];
  where?: string[];
  tag?: string[];
  since?: string;
  until?: string;
  status?: string[];
}

/** The selection options shared by runs, compare and export. */
export function addSelectionOptions(cmd: Command, withStatus = false): Command {
  cmd
    .option('-e, --experiment <id|name>', 'only runs of this experiment (repeatable)', collect)
    .option('-w, --where <FIELD=VALUE>', 'only runs where a field (family, cv, n, tau, L, manipulation, seed, backend, capacity, ...) or a spec path (network.p) compares so; = != < <= > >= ~ (glob), a|b for either (repeatable)', collect)
    .option('--tag <tag>', 'only runs with this tag, on the run or its experiment (repeatable)', collect)
    .option('--since <date>', 'only runs finished at or after (2024-05-01, 2024-05-01T12:00, 7d, 12h)')
    .option('--until <date>', 'only runs finished before');
  if (withStatus) cmd.option('--status <status>', 'only runs with this status: done, pending, failed (repeatable)', collect);
  return addArchiveOption(cmd);
}

export function addArchiveOption(cmd: Command): Command {
  return cmd.option('-a, --archive <file>', 'the archive (default: $QUENCH_ARCHIVE, else the data folder; see `quench archive`)');
}

export function selection(archive: Archive, o: SelectionOptions): RunFilter {
  const statuses = (o.status ?? []).flatMap((s) => s.split(','));
  for (const s of statuses) if (!['done', 'pending', 'failed'].includes(s)) throw new QuenchError('input', `--status ${s}: choose done, pending or failed`);
  return {
    // checked just above
    status: statuses.length ? (statuses as ('done' | 'pending' | 'failed')[]) : undefined,
    where: o.where,
    tags: o.tag,
    since: o.since ? parseInstant(o.since, '--since') : undefined,
    until: o.until ? parseInstant(o.until, '--until') : undefined,
    experiments: o.experiment?.map((ref) => archive.findExperiment(ref).id),
  };
}

/**
 * 'read': a query (an archive this process may not write, on a read-only share, serves); 'write': it
 * writes to an existing archive; 'create': it writes and makes the file if there is none.
 */
function withArchive<T>(where: ArchiveLocation, mode: 'read' | 'write' | 'create', fn: (a: Archive) => T): T {
  const archive = openArchive(where, mode === 'create', false, mode === 'read');
  try {
    return fn(archive);
  } finally {
    archive.close();
  }
}

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');
const note = (s: string) => process.stderr.write(s + '\n');

function hetLabel(f: { family: string; cv: number }): string {
  return f.family === 'none' || (f.cv === 0 && f.family !== 'empirical') ? 'homogeneous' : `${f.family} c=${f.cv}`;
}

// ---------------------------------------------------------------------------------------------
// import output

function describeImport(r: ImportReport): string {
  const bits = [`${r.added} run(s) added`];
  if (r.completed) bits.push(`${r.completed} pending run(s) completed`);
  bits.push(`${r.skipped} already present`);
  if (r.differing) bits.push(`${r.differing} of those with different scores (this archive's copy kept)`);
  bits.push(`${r.experiments} new experiment(s)`, `${r.scores} task scores`);
  if (r.tags) bits.push(`${r.tags} tag(s)`);
  if (r.notes) bits.push(`${r.notes} note(s)`);
  if (r.sets) bits.push(`${r.sets} comparison set(s)`);
  if (r.networks) bits.push(`${r.networks} saved network version(s)`);
  if (r.suites) bits.push(`${r.suites} saved suite version(s)`);
  return `${r.file}: ${bits.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------
// registration

interface FormatOptions {
  json?: boolean;
  csv?: boolean;
}

export function registerArchiveCommands(program: Command): void {
  addArchiveOption(
    program
      .command('archive')
      .description('say where the archive is and what it holds')
      .option('--json', 'JSON output'),
  ).action((o: { archive?: string; json?: boolean }) => {
    const where = archiveLocation(o.archive);
    withArchive(where, 'read', (a) => {
      const counts = a.counts();
      if (o.json) out(JSON.stringify({ path: a.path, counts }, null, 2));
      else out(`${a.path}\n${Object.entries(counts).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
    });
  });

  addArchiveOption(
    program
      .command('experiments')
      .description('list the experiments in the archive, with how many of their runs are done')
      .option('--json', 'JSON output')
      .option('--csv', 'CSV output'),
  ).action((o: FormatOptions & { archive?: string }) => {
    withArchive(archiveLocation(o.archive), 'read', (a) => {
      const rows = a.listExperiments();
      const fmtOut = outputFormat(o);
      if (fmtOut === 'json') return out(JSON.stringify(rows.map(({ sweep_json, ...r }) => ({ ...r, sweep: JSON.parse(sweep_json) as unknown })), null, 2));
      const head = ['id', 'name', 'done', 'planned', 'status', 'created', 'tags', 'notes'];
      const cells = rows.map((e) => [
        e.id,
        e.name,
        String(e.done),
        String(e.planned_runs),
        e.done >= e.planned_runs ? 'complete' : 'incomplete',
        e.created_at.slice(0, 19).replace('T', ' '),
        e.tags.join(' '),
        e.notes ? String(e.notes) : '',
      ]);
      if (fmtOut === 'csv') return out(renderCsv(head, cells));
      out(rows.length ? renderTable(head, cells) : `no experiments in ${a.path} yet`);
    });
  });

  addSelectionOptions(
    program
      .command('runs')
      .description('list runs, filtered by any spec field, tag, date, status or experiment')
      .option('-n, --limit <n>', 'at most this many rows (default 100 in a table, all with --json/--csv; 0: all)')
      .option('--json', 'JSON output')
      .option('--csv', 'CSV output'),
    true,
  ).action((o: SelectionOptions & FormatOptions & { limit?: string }) => {
    withArchive(archiveLocation(o.archive), 'read', (a) => {
      const fmtOut = outputFormat(o);
      const limit = o.limit !== undefined ? Number(o.limit) : fmtOut === 'table' ? 100 : 0;
      if (!Number.isInteger(limit) || limit < 0) throw new QuenchError('input', `--limit: expected a whole number ≥ 0, got "${o.limit}"`);
      const { rows, total } = a.listRuns(selection(a, o), limit);
      if (fmtOut === 'json') return out(JSON.stringify(rows, null, 2));
      const head = ['run', 'experiment', 'status', 'heterogeneity', 'N', 'tau', 'L', 'manipulation', 'seed', 'capacity', 'finished', 'tags'];
      const cells = rows.map((r) => [
        r.uid.slice(0, 12),
        r.experiment_id,
        r.status,
        hetLabel(r),
        String(r.n),
        String(r.tau_mean),
        String(r.train_length),
        r.manipulation,
        String(r.seed_index),
        fmt(r.mean_capacity),
        r.finished_at ? r.finished_at.slice(0, 19).replace('T', ' ') : '',
        r.tags.join(' '),
      ]);
      if (fmtOut === 'csv') {
        const keys = rows.length ? (Object.keys(rows[0]) as (keyof (typeof rows)[number])[]) : [];
        return out(renderCsv(keys, rows.map((r) => keys.map((k) => (k === 'tags' ? r.tags.join(' ') : r[k])))));
      }
      out(total === 0 ? 'no runs match' : renderTable(head, cells) + (rows.length < total ? `\n(${rows.length} of ${total} runs shown; --limit 0 for all)` : `\n${total} run(s)`));
    });
  });

  addSelectionOptions(
    program
      .command('compare')
      .description('compare conditions: configurations with seeds aggregated, contrasts over seeds (paired where runs share seeds, else Welch), per family, size answers, curves and a configuration diff')
      .argument('[conditions...]', 'two or more conditions, each FIELD=VALUE[,FIELD=VALUE...] (the first is the baseline); none: homogeneous against each heterogeneous level')
      .option('--curve [factor]', 'score against a factor (manipulation, n, tau_mean, train_length, cv), one series per other setting; default: manipulation when it varies')
      .option('--save <name>', 'save this comparison (its conditions and the runs it was made on) as a named set')
      .option('--set <name>', 'repeat a saved comparison on the runs it was saved with')
      .option('--section <name>', `with --csv: which table (${SECTIONS.join(', ')}; default pairs, or configurations when there are none)`)
      .option('--json', 'JSON output (everything)')
      .option('--csv', 'CSV output (one table: see --section)'),
  ).action((conditions: string[], o: SelectionOptions & FormatOptions & { curve?: string | true; save?: string; set?: string; section?: string }) => {
    withArchive(archiveLocation(o.archive), o.save ? 'write' : 'read', (a) => {
      let filter = selection(a, o);
      let conds = conditions;
      let curve: string | null = typeof o.curve === 'string' ? o.curve : o.curve === true ? 'manipulation' : null;
      if (o.set) {
        const set = a.getComparisonSet(o.set);
        const def = set.definition as { conditions?: string[]; curve?: string | null };
        filter = { ...filter, runUids: set.runUids };
        if (conds.length === 0) conds = def.conditions ?? [];
        if (curve === null) curve = def.curve ?? null;
      }
      const c = compare(a, { filter, conditions: conds, curve });
      if (o.save) {
        const uids = a.listRuns({ ...filter, status: ['done'] }).rows.map((r) => r.uid);
        a.saveComparisonSet(o.save, { conditions: conds, curve, filter: { ...filter, runUids: undefined } }, uids);
        note(`saved comparison set "${o.save}" (${uids.length} runs) in ${a.path}`);
      }
      const fmtOut = outputFormat(o);
      if (fmtOut === 'json') return out(JSON.stringify(c, null, 2));
      if (fmtOut === 'csv') return out(comparisonCsv(c, o.section ?? (c.contrasts.length ? 'contrasts' : 'configurations')));
      out(formatComparison(c, archiveArg(archiveLocation(o.archive))));
    });
  });

  addArchiveOption(
    program
      .command('sets')
      .description('list the saved comparison sets')
      .option('--json', 'JSON output'),
  ).action((o: { archive?: string; json?: boolean }) => {
    withArchive(archiveLocation(o.archive), 'read', (a) => {
      const sets = a.listComparisonSets();
      if (o.json) return out(JSON.stringify(sets, null, 2));
      out(sets.length ? renderTable(['name', 'runs', 'saved', 'conditions'], sets.map((s) => [s.name, String(s.runs), s.created_at.slice(0, 19).replace('T', ' '), ((s.definition as { conditions?: string[] }).conditions ?? []).join('  ') || '(homogeneous vs heterogeneous)'])) : 'no comparison sets');
    });
  });

  addSelectionOptions(
    program
      .command('export')
      .description('write a selection of finished runs (or whole experiments) to one file another archive can import')
      .argument('<file>', 'the file to write (an archive-format SQLite file)'),
  ).action((file: string, o: SelectionOptions) => {
    withArchive(archiveLocation(o.archive), 'read', (a) => {
      const r = exportRuns(a, file, selection(a, o));
      note(`archive: ${a.path}`);
      const designs = r.networks || r.suites ? `, with ${r.networks} saved network version(s) and ${r.suites} saved suite version(s)` : '';
      out(`exported ${r.runs} run(s) of ${r.experiments} experiment(s), ${r.scores} task scores, to ${r.file} (${formatBytes(r.bytes)})${designs}`);
    });
  });

  addArchiveOption(
    program
      .command('import')
      .description('import an export or another archive into this archive (runs already present are skipped)')
      .argument('<file>', 'an export or archive file'),
  ).action((file: string, o: { archive?: string }) => {
    const where = archiveLocation(o.archive);
    withArchive(where, 'create', (a) => {
      note(`archive: ${a.path}`);
      for (const r of importArchives(a, [file])) out(describeImport(r));
    });
  });

  addArchiveOption(
    program
      .command('merge')
      .description('merge archives or exports from several machines (a cluster job\'s shards) into this archive, each run kept once; merging again adds nothing')
      .argument('<files...>', 'archive or export files')
      .option('--into <archive>', 'the archive to merge into (the same as --archive)'),
  ).action((files: string[], o: { archive?: string; into?: string }) => {
    if (o.into && o.archive && resolve(o.into) !== resolve(o.archive)) throw new QuenchError('input', `--into ${o.into} and --archive ${o.archive} name two archives: give one`);
    withArchive(archiveLocation(o.into ?? o.archive), 'create', (a) => {
      note(`archive: ${a.path}`);
      // one file at a time, with progress; a file that cannot be merged (a shard that failed, a
      // damaged copy) is reported and skipped, and never keeps the others out
      const failed: string[] = [];
      files.forEach((f, i) => {
        note(`merging ${i + 1}/${files.length}: ${f}`);
        try {
          for (const r of importArchives(a, [f])) out(describeImport(r));
        } catch (err) {
          if (!(err instanceof QuenchError)) throw err;
          failed.push(f);
          note(`WARNING: ${err.message}`);
        }
      });
      if (failed.length === files.length) throw new QuenchError('input', `none of the ${files.length} file(s) could be merged into ${a.path}`);
      if (failed.length) note(`merged ${files.length - failed.length} of ${files.length} file(s); not merged: ${failed.join(', ')}`);
    });
  });

  addArchiveOption(
    program
      .command('tag')
      .description('tag an experiment or a run (ids, id prefixes or experiment names)')
      .argument('<target>', 'experiment id, id prefix or name, or a run id prefix (from `quench runs`)')
      .argument('<tags...>', 'one or more tags')
      .option('--remove', 'remove these tags instead'),
  ).action((target: string, tags: string[], o: { archive?: string; remove?: boolean }) => {
    withArchive(archiveLocation(o.archive), 'write', (a) => {
      const t = a.resolveTarget(target);
      const n = a.tag(t, tags, o.remove);
      note(`archive: ${a.path}`);
      out(`${t.label}: ${o.remove ? `${n} tag(s) removed` : `${n} tag(s) added`}; tags now: ${a.tagsOf(t).join(' ') || '(none)'}`);
    });
  });

  addArchiveOption(
    program
      .command('note')
      .description('add a note to an experiment or a run, or (without text) show its notes')
      .argument('<target>', 'experiment id, id prefix or name, or a run id prefix')
      .argument('[text...]', 'the note')
      .option('--json', 'JSON output (listing)'),
  ).action((target: string, words: string[], o: { archive?: string; json?: boolean }) => {
    // showing the notes only reads: it works on a read-only share
    withArchive(archiveLocation(o.archive), words.length > 0 ? 'write' : 'read', (a) => {
      const t = a.resolveTarget(target);
      if (words.length > 0) {
        a.addNote(t, words.join(' '));
        note(`archive: ${a.path}`);
        out(`note added to ${t.label}`);
        return;
      }
      const notes = a.notesOf(t);
      if (o.json) return out(JSON.stringify(notes, null, 2));
      out(notes.length ? notes.map((n) => `${n.created_at.slice(0, 19).replace('T', ' ')}  ${n.kind === 'run' ? `run ${n.target.slice(0, 12)}: ` : ''}${n.text}`).join('\n') : `no notes on ${t.label}`);
    });
  });
}
