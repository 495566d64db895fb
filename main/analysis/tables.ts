// A comparison as text tables and as CSV: `quench compare` prints these, the report embeds the same
// CSV files, and every number goes through common/format.ts, as the app's does.
import type { Comparison, Contrast } from '../../common/comparison.js';
import { QuenchError } from '../../common/errors.js';
import { CONTRAST_HEAD, contrastCells, describeSizeAnswer, interval, num, signedNum } from '../../common/format.js';
import { renderCsv, renderTable } from '../archive-format.js';

export const SECTIONS = ['configurations', 'contrasts', 'families', 'sizes', 'curve', 'diff'] as const;

/** "quench resume … --recompute-flagged" lines for the errata of a comparison */
export function errataLines(c: Pick<Comparison, 'errata'>, archiveArg = ''): string[] {
  return c.errata.map(
    (n) =>
      `WARNING: ${n.runs} run(s) here are flagged by erratum ${n.id} (fixed in Quench ${n.fixedIn}): ${n.title}. ` +
      `Recompute them: ${n.experiments.map((e) => `quench resume ${e.id} --recompute-flagged${archiveArg}`).join('; ')}`,
  );
}


const familyCell = (c: Contrast, f: string) => {
  const d = c.perFamily[f];
  if (!d) return '';
  return `${signedNum(d.meanDiff)} ${interval(d.lo, d.hi, true)} (${d.wins}/${d.losses}/${d.ties})`;
};

export function formatComparison(c: Comparison, archiveArg = ''): string {
  const parts: string[] = [...errataLines(c, archiveArg)];
  if (parts.length) parts.push('');
  parts.push('Configurations (seeds aggregated: mean capacity over the suite with its 95 % t-interval across seeds; per-family means)');
  parts.push(
    renderTable(
      ['configuration', 'seeds', 'mean capacity', '95 % CI', ...c.families],
      c.groups.map((g) => [g.label, String(g.runs), num(g.meanCapacity.mean), g.runs > 1 ? interval(g.meanCapacity.lo, g.meanCapacity.hi) : '(1 seed)', ...c.families.map((f) => num(g.perFamily[f]?.mean))]),
    ),
  );
  if (c.contrasts.length > 0) {
    parts.push(
      '',
      'Contrasts ("A vs B": Δ = A − B). Seeds are the unit of inference: paired t over the per-seed differences (runs paired when they share network and input seeds), ' +
        'with an exact sign-flip p and a hierarchical bootstrap interval; unpaired sides by Welch\'s t. Per task (capacities averaged over seeds): strict wins, losses, ties and a Wilcoxon p, descriptive only.',
    );
    parts.push(renderTable([...CONTRAST_HEAD], c.contrasts.map(contrastCells)));
    const notes = c.contrasts.filter((x) => x.leftOut.length).map((x) => `  ${x.label}: left out ${x.leftOut.join('; ')}`);
    if (notes.length) parts.push('', 'Left out of contrasts:', ...notes);
    parts.push('', 'Δ mean capacity per task family with its 95 % interval across seeds (tasks higher/lower/tied)');
    parts.push(renderTable(['comparison', ...c.families], c.contrasts.map((x) => [x.label, ...c.families.map((f) => familyCell(x, f))])));
  } else if (c.groups.some((g) => g.condition > 0)) {
    parts.push('', 'No contrasts: no configuration of the later conditions has a baseline partner.');
  }
  if (c.unpaired.length > 0) parts.push('', `Without a baseline partner: ${c.unpaired.join('; ')}`);
  if (c.sizeAnswers.length > 0) parts.push('', 'Size answers (within one experiment each):', ...c.sizeAnswers.map((a) => `  ${describeSizeAnswer(a, true)}`));
  if (c.curve) {
    parts.push('', `Curve: mean capacity (± 95 % half-width) against ${c.curve.x}, one column per series`);
    parts.push(
      renderTable(
        [c.curve.x, ...c.curve.series.map((s) => s.label)],
        c.curve.xs.map((x, i) => [String(x), ...c.curve!.series.map((s) => (s.points[i] ? `${num(s.points[i]!.meanCapacity.mean)}${s.points[i]!.runs > 1 ? ` ± ${num(s.points[i]!.meanCapacity.halfWidth)}` : ''}` : ''))]),
      ),
    );
  }
  if (c.diff.length > 0) {
    const labels = new Map(c.groups.map((g) => [g.key, g.label]));
    const keys = c.groups.map((g) => g.key);
    const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
    parts.push('', 'Configuration diff (the spec fields that differ between the configurations)');
    if (keys.length <= 6) parts.push(renderTable(['field', ...keys.map((k) => labels.get(k)!)], c.diff.map((d) => [d.path, ...keys.map((k) => show(d.values[k]))])));
    else parts.push(renderTable(['field', 'values'], c.diff.map((d) => [d.path, [...new Set(keys.map((k) => show(d.values[k])))].join(' | ')])));
  }
  return parts.join('\n');
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

export function comparisonCsv(c: Comparison, section: string): string {
  switch (section) {
    case 'configurations':
      return renderCsv(
        ['configuration', 'config', 'condition', 'family', 'cv', 'match', 'n', 'tau_mean', 'train_length', 'manipulation', 'model', 'seeds', 'mean_capacity', 'ci_lo', 'ci_hi', 'realised_cv', 'nominal_cv', 'realised_skewness', 'mean_rate_hz', 'target_rate_hz', ...c.families],
        c.groups.map((g) => [
          g.label,
          g.config,
          g.conditionText,
          g.factors.family,
          g.factors.cv,
          g.factors.match,
          g.factors.n,
          g.factors.tauMean,
          g.factors.trainLength,
          g.factors.manipulation,
          g.factors.model,
          g.runs,
          g.meanCapacity.mean,
          g.runs > 1 ? g.meanCapacity.lo : null,
          g.runs > 1 ? g.meanCapacity.hi : null,
          g.realised.cv,
          g.realised.nominalCv,
          g.realised.skewness,
          g.meanRateHz,
          g.targetRateHz,
          ...c.families.map((f) => g.perFamily[f]?.mean ?? null),
        ]),
      );
    case 'pairs':
    case 'contrasts':
      return renderCsv(
        ['comparison', 'first', 'second', 'design', 'scope', 'headline', 'seeds', 'seeds_first', 'seeds_second', 'mean_diff', 'ci_lo', 'ci_hi', 'test', 't', 'df', 'p', 'log10_p', 'sign_flip_p', 'sign_flip_exact', 'sign_flip_floor', 'bootstrap_lo', 'bootstrap_hi', 'tasks', 'tasks_higher', 'tasks_lower', 'tasks_tied', 'wilcoxon_p', 'wilcoxon_log10_p', 'wilcoxon_method', 'verdict', 'left_out'],
        c.contrasts.map((p) => [
          p.label,
          p.otherLabel,
          p.baselineLabel,
          p.design,
          p.scope,
          p.headline,
          p.seeds,
          p.seedsOther,
          p.seedsBaseline,
          p.delta.mean,
          finiteOrNull(p.delta.lo),
          finiteOrNull(p.delta.hi),
          p.test.name,
          p.test.t,
          p.test.df,
          p.test.p,
          p.test.log10p,
          p.signFlip?.p ?? null,
          p.signFlip?.exact ?? null,
          p.signFlip?.floor ?? null,
          p.bootstrap?.lo ?? null,
          p.bootstrap?.hi ?? null,
          p.tasks,
          p.wins,
          p.losses,
          p.ties,
          p.wilcoxon?.p ?? null,
          p.wilcoxon?.log10p ?? null,
          p.wilcoxon?.method ?? null,
          p.verdict,
          p.leftOut.join('; '),
        ]),
      );
    case 'families':
      return renderCsv(
        ['comparison', 'family', 'tasks', 'mean_diff', 'ci_lo', 'ci_hi', 'tasks_higher', 'tasks_lower', 'tasks_tied'],
        c.contrasts.flatMap((p) => Object.entries(p.perFamily).map(([f, v]) => [p.label, f, v.tasks, v.meanDiff, finiteOrNull(v.lo), finiteOrNull(v.hi), v.wins, v.losses, v.ties])),
      );
    case 'sizes':
      return renderCsv(
        ['experiment', 'axis', 'series', 'max', 'homogeneous_at_max', 'smallest_heterogeneous', 'interpolated', 'backing_mean_diff', 'backing_ci_lo', 'backing_ci_hi', 'backing_verdict'],
        c.sizeAnswers.map((a) => [a.experiment, a.axis, a.series, a.nMax, a.homoAtNMax, a.smallestHeteroN, a.interpolatedN, a.backing?.delta.mean ?? null, a.backing ? finiteOrNull(a.backing.delta.lo) : null, a.backing ? finiteOrNull(a.backing.delta.hi) : null, a.backing?.verdict ?? null]),
      );
    case 'curve':
      if (!c.curve) throw new QuenchError('input', 'this comparison has no curve (nothing varies along --curve)');
      return renderCsv(
        [c.curve.x, 'series', 'seeds', 'mean_capacity', 'ci_lo', 'ci_hi'],
        c.curve.series.flatMap((s) => s.points.filter((p) => p !== null).map((p) => [p!.x, s.label, p!.runs, p!.meanCapacity.mean, p!.runs > 1 ? p!.meanCapacity.lo : null, p!.runs > 1 ? p!.meanCapacity.hi : null])),
      );
    case 'diff': {
      const keys = c.groups.map((g) => g.key);
      return renderCsv(['field', ...c.groups.map((g) => g.label)], c.diff.map((d) => [d.path, ...keys.map((k) => d.values[k])]));
    }
    default:
      throw new QuenchError('input', `--section ${section}: choose one of ${SECTIONS.join(', ')}`);
  }
}
