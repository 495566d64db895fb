// How numbers and statistics are printed, the same way by the CLI, the app and the reports (a test
// holds the three to the same strings). Capacities and their differences with three decimals, a true
// minus sign (U+2212), intervals that do not wrap (no-break spaces), p-values with two significant
// digits, and below 0.001 as a power of ten taken from log10 p, so that a p that underflows a double
// still prints as what it is rather than "0" or "< 1e-300".
import type { Contrast, ManipulationPanel, PValue, SizeAnswer } from './comparison.js';

export const MINUS = '\u2212';
/** no-break space: an interval or a "p = …" stays on one line */
const NBSP = '\u00a0';

/** A number with `digits` decimals, a true minus sign, "n/a" when it is not finite. */
export function num(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const s = x.toFixed(digits);
  // -0.000 is zero
  if (/^-0\.?0*$/.test(s)) return s.slice(1);
  return s.startsWith('-') ? MINUS + s.slice(1) : s;
}

/** As num, with a + on positive values (differences). */
export function signedNum(x: number | null | undefined, digits = 3): string {
  const s = num(x, digits);
  return s === 'n/a' || s.startsWith(MINUS) || /^0\.?0*$/.test(s) ? s : `+${s}`;
}

/** "[a, b]" on one line; `signed` for differences. "n/a" when either end is not finite. */
export function interval(lo: number, hi: number, signed = false, digits = 3): string {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return 'n/a';
  const f = signed ? signedNum : num;
  return `[${f(lo, digits)},${NBSP}${f(hi, digits)}]`;
}

/** A fraction as a whole percentage ("83 %"). */
export function percent(x: number): string {
  return Number.isFinite(x) ? `${Math.round(100 * x)}${NBSP}%` : 'n/a';
}

const SUPERSCRIPT: Record<string, string> = { '-': '\u207b', '0': '\u2070', '1': '\u00b9', '2': '\u00b2', '3': '\u00b3', '4': '\u2074', '5': '\u2075', '6': '\u2076', '7': '\u2077', '8': '\u2078', '9': '\u2079' };

/**
 * A p-value: two significant digits ("0.034", "0.21", "1.0"), and below 0.001 mantissa × 10^exponent
 * from log10 p ("3.1 × 10⁻⁸", also where p itself underflowed to 0).
 */
export function pText(v: PValue | null | undefined): string {
  if (!v) return 'n/a';
  const { p, log10p } = v;
  const lg = Number.isFinite(log10p) ? log10p : p > 0 ? Math.log10(p) : log10p;
  if (Number.isNaN(lg) && !Number.isFinite(p)) return 'n/a';
  if (lg === -Infinity) return '0';
  if (p >= 0.001 || lg >= -3) return Math.min(1, p).toPrecision(2);
  let exponent = Math.floor(lg);
  let mantissa = Number((10 ** (lg - exponent)).toPrecision(2));
  if (mantissa >= 10) {
    mantissa /= 10;
    exponent += 1;
  }
  const sup = String(exponent).split('').map((c) => SUPERSCRIPT[c]).join('');
  return `${mantissa.toFixed(1)}${NBSP}×${NBSP}10${sup}`;
}

/** a p that cannot underflow (a permutation p is at least 1 / 2^n) */
export const asP = (p: number): PValue => ({ p, log10p: Math.log10(p) });

/** "p = 0.034" (or "p = 3.1 × 10⁻⁸") */
export const pEquals = (v: PValue | null | undefined) => `p${NBSP}=${NBSP}${pText(v)}`;

/** the words of a verdict, for a contrast of `other` against `baseline` */
export function verdictText(c: Pick<Contrast, 'verdict' | 'otherLabel' | 'baselineLabel' | 'design'>): string {
  switch (c.verdict) {
    case 'higher':
      return `${c.otherLabel} higher`;
    case 'lower':
      return `${c.baselineLabel} higher`;
    case 'no clear difference':
      return 'no clear difference (the interval includes 0)';
    default:
      return c.design === 'paired' ? 'no interval (one seed)' : 'no interval (fewer than two seeds on a side)';
  }
}

/** how the primary interval was made, in words */
export function designText(c: Pick<Contrast, 'design' | 'seeds' | 'seedsBaseline' | 'seedsOther' | 'scope'>): string {
  const scope = c.scope === 'across experiments' ? ', across experiments' : '';
  return c.design === 'paired' ? `paired over ${c.seeds} seed(s)${scope}` : `unpaired (Welch), ${c.seedsOther} vs ${c.seedsBaseline} seeds${scope}`;
}

/** How a contrast's two sides were matched, in words: the pairing rule that applied (README "Inference"). */
export function matchText(c: Pick<Contrast, 'design' | 'scope'>): string {
  if (c.design === 'unpaired') return 'unpaired (Welch): no seed in common';
  return c.scope === 'across experiments' ? 'paired across experiments (shared network and input seeds)' : 'paired within one experiment';
}

/** A resilience panel's title, in words (the app's small multiples and the report's). */
export function manipulationPanelTitle(p: Pick<ManipulationPanel, 'type'>): string {
  switch (p.type) {
    case 'gain':
      return 'gain of W';
    case 'connectivity':
      return 'connectivity p';
    case 'no recurrence':
      return 'W = 0 (no recurrence)';
    default:
      return p.type;
  }
}

/** The cells every contrast table shows, in this order (CLI, app, report). */
export const CONTRAST_HEAD = ['comparison', 'design', 'Δ mean capacity', '95 % CI', 'test p', 'sign-flip p', 'bootstrap 95 %', 'tasks higher / lower / tied', 'Wilcoxon p (per task, descriptive)', 'verdict'] as const;

export function contrastCells(c: Contrast): string[] {
  return [
    c.label,
    designText(c),
    signedNum(c.delta.mean),
    interval(c.delta.lo, c.delta.hi, true),
    `${c.test.name} ${pText(c.test)}`,
    c.signFlip ? `${pText(asP(c.signFlip.p))}${c.signFlip.exact ? '' : ' (sampled)'}` : '—',
    c.bootstrap ? interval(c.bootstrap.lo, c.bootstrap.hi, true) : '—',
    `${c.wins} / ${c.losses} / ${c.ties} of ${c.tasks}`,
    c.wilcoxon ? pText(c.wilcoxon) : '—',
    `${verdictText(c)}${c.headline ? '' : c.verdict === 'no interval' ? '' : ' (not a headline: ' + whyNotHeadline(c) + ')'}`,
  ];
}

export function whyNotHeadline(c: Pick<Contrast, 'design' | 'scope' | 'verdict' | 'headline'>): string {
  if (c.headline) return '';
  if (c.design === 'unpaired') return 'unpaired';
  if (c.scope === 'across experiments') return 'paired across experiments';
  return 'no interval';
}

/**
 * A contrast in one sentence, whichever way it came out: Δ with its interval and test, the
 * sign-flip p with its floor, the bootstrap interval, the per-task counts (descriptive), the verdict.
 */
export function describeContrast(c: Contrast): string {
  const parts: string[] = [];
  parts.push(`${c.label}: Δ mean capacity ${signedNum(c.delta.mean)}`);
  if (c.verdict === 'no interval') parts.push(` (${designText(c)}: no interval)`);
  else parts.push(` ${interval(c.delta.lo, c.delta.hi, true)} (${designText(c)}; ${c.test.name} ${pEquals(c.test)}`);
  if (c.verdict !== 'no interval') {
    if (c.signFlip) {
      const atFloor = c.signFlip.p <= c.signFlip.floor * (1 + 1e-9);
      const floor = !c.signFlip.exact ? ' (sampled)' : atFloor ? `, the smallest possible with ${c.seeds} seeds` : ` (at best ${pText(asP(c.signFlip.floor))} with ${c.seeds} seeds)`;
      parts.push(`; sign-flip ${pEquals(asP(c.signFlip.p))}${floor}`);
    }
    if (c.bootstrap) parts.push(`; hierarchical bootstrap ${interval(c.bootstrap.lo, c.bootstrap.hi, true)}`);
    parts.push(')');
  }
  parts.push(
    `; per task (descriptive): higher on ${c.wins}, lower on ${c.losses}, tied on ${c.ties} of ${c.tasks}` +
      (c.wilcoxon ? `, Wilcoxon signed-rank ${pEquals(c.wilcoxon)}` : ''),
  );
  parts.push(` → ${verdictText(c)}`);
  if (!c.headline && c.verdict !== 'no interval') parts.push(` [${whyNotHeadline(c)}: not a headline]`);
  if (c.leftOut.length) parts.push(`. Left out: ${c.leftOut.join('; ')}`);
  return parts.join('');
}

/**
 * "The smallest heterogeneous N (or L) whose mean capacity reaches the homogeneous one at the largest
 * N", with the paired contrast that backs it (heterogeneous at that N against homogeneous at N max).
 */
export function describeSizeAnswer(a: SizeAnswer, withExperiment: boolean): string {
  const unit = a.axis === 'n' ? 'N' : 'L';
  const series = withExperiment ? `${a.series} (experiment ${a.experiment})` : a.series;
  if (a.smallestHeteroN === null) return `${series}: no heterogeneous ${unit} in the sweep reaches the homogeneous ${unit}=${a.nMax} (mean capacity ${num(a.homoAtNMax)}).`;
  const interp = a.interpolatedN !== null && a.interpolatedN !== a.smallestHeteroN ? `; interpolated ${unit}≈${a.interpolatedN.toFixed(0)}` : '';
  const b = a.backing;
  const back = b
    ? ` Paired check, ${b.label}: Δ ${signedNum(b.delta.mean)} ${interval(b.delta.lo, b.delta.hi, true)} → ${verdictText(b)}.`
    : '';
  return `${series}: the smallest heterogeneous ${unit} whose mean capacity reaches the homogeneous ${unit}=${a.nMax} (${num(a.homoAtNMax)}) is ${unit}=${a.smallestHeteroN} (${(a.smallestHeteroN / a.nMax).toFixed(2)}× ${unit}max${interp}).${back}`;
}

/** bytes as people read them: 31 kB, 8.5 MB, 277 MB, 4.2 GB */
export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.max(1, Math.round(n / 1024))} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(n < 10 * 1024 ** 2 ? 1 : 0)} MB`;
  return `${(n / 1024 ** 3).toFixed(1)} GB`;
}

/** a duration: 40 ms, 2.9 s, 45 s, 12 min, 3.5 h, 2.1 days */
export function formatSeconds(s: number): string {
  // a run of 40 ms is not "about 0.0 s"
  if (s < 0.1) return `${Math.round(s * 1000)} ms`;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

