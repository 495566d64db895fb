// chart.js set up once: every controller (chart.js/auto), the matrix controller for heatmaps, error
// bars drawn by a small plugin, readable defaults, and colour-blind-safe colours (Okabe & Ito 2008
// for categories, a blue-white-orange diverging scale for differences).
import { Chart, type ChartConfiguration, type Plugin } from 'chart.js/auto';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import { theme } from './theme.svelte.js';

/** Okabe-Ito: distinguishable with every common colour-vision deficiency. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];
/** The same on a dark background: Okabe-Ito's black would vanish there, and its place is taken by a light grey. */
export const PALETTE_DARK = PALETTE.map((c) => (c === '#000000' ? '#E0E0E0' : c));
/** Colour i of the palette of the theme shown (read inside a $derived, a chart's config follows the theme). */
export const colour = (i: number) => (theme.dark ? PALETTE_DARK : PALETTE)[i % PALETTE.length]!;

/** Text and lines drawn on a chart (labels, error bars, reference lines), readable on the theme's background. */
export const ink = () => (theme.dark ? '#e3e8ee' : '#222222');
/** Secondary lines (a unit circle, a base line), readable on the theme's background. */
export const inkMuted = () => (theme.dark ? '#9aa5b1' : '#555555');
const gridColour = () => (theme.dark ? 'rgba(255, 255, 255, 0.16)' : 'rgba(0, 0, 0, 0.1)');

/**
 * Sets chart.js's global text and grid-line colours for the theme shown. Charts read them when they
 * are made: components/Chart.svelte calls this and makes its chart again when the theme changes.
 */
export function applyChartTheme(): void {
  Chart.defaults.color = ink();
  Chart.defaults.borderColor = gridColour();
}

/**
 * Ticks for a log axis at 1, 2 and 5 times the powers of ten between min and max (…, 0.5, 1, 2, 5,
 * 10, 20, 50, …): a reader takes a value off a log axis at these. With fewer than 3 of them in the
 * range (a range narrower than a factor of 5), 1 to 9 times the powers of ten are given instead.
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min)) return [];
  const within = (steps: number[]) => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(min)) - 1; e <= Math.ceil(Math.log10(max)); e++) {
      for (const m of steps) {
        // rounded, so that 3 × 0.1 reads 0.3, not 0.30000000000000004
        const v = Number((m * 10 ** e).toPrecision(12));
        if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
      }
    }
    return out;
  };
  const ticks = within([1, 2, 5]);
  return ticks.length >= 3 ? ticks : within([1, 2, 3, 4, 5, 6, 7, 8, 9]);
}
/** The same colours, translucent (fills). */
export const fill = (i: number, alpha = 0.35) => colour(i) + Math.round(alpha * 255).toString(16).padStart(2, '0');

/** Marker shapes, so that series differ by more than colour. */
export const POINT_STYLES = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star', 'rectRounded', 'cross'] as const;
export const pointStyle = (i: number) => POINT_STYLES[i % POINT_STYLES.length]!;

/**
 * How series i is drawn when there are many: the colour cycles through the 8 of the palette, and each
 * further round of 8 shifts the marker and dashes the line, so that 64 series never look alike (legend
 * toggles and highlight-on-hover do the rest: components/SeriesLegend.svelte).
 */
export function seriesStyle(i: number): { colour: string; pointStyle: (typeof POINT_STYLES)[number]; dash: number[] } {
  const round = Math.floor(i / PALETTE.length);
  return { colour: colour(i), pointStyle: POINT_STYLES[(i + round) % POINT_STYLES.length]!, dash: round % 2 === 1 ? [6, 3] : round > 0 ? [2, 2] : [] };
}

/** A colour faded into the background: the series not highlighted while one is. */
export const faded = (c: string) => (c.startsWith('#') && c.length === 7 ? `${c}33` : c);

const NEG = [179, 88, 6]; // #b35806 orange-brown: worse
const MID = [247, 247, 247];
const POS = [33, 102, 172]; // #2166ac blue: better
/** Diverging colour for a value in [-max, max]: orange below zero, white at zero, blue above. */
export function diverging(v: number, max: number): string {
  const t = max > 0 ? Math.max(-1, Math.min(1, v / max)) : 0;
  const end = t < 0 ? NEG : POS;
  const a = Math.abs(t);
  const c = MID.map((m, i) => Math.round(m + (end[i]! - m) * a));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}
export const DIVERGING_CSS = `linear-gradient(to right, rgb(${NEG.join(',')}), rgb(${MID.join(',')}), rgb(${POS.join(',')}))`;

/** Sequential colour for a value in [0, 1] (capacity): white to the diverging scale's blue (one hue). */
export function sequential(v: number): string {
  const t = Math.max(0, Math.min(1, v));
  const c = MID.map((m, i) => Math.round(m + (POS[i]! - m) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** One cell of the memory depth x nonlinearity map: its coordinates and its value. */
export interface MapCell {
  x: string;
  y: string;
  v: number;
}

/**
 * The memory depth x nonlinearity map (a run's capacities, a contrast's differences): a matrix chart
 * of `cells` over the depths `xs` and degrees `ys`, each cell coloured by `cellColour(v)`, with the
 * tooltip lines `describe` gives after its coordinates.
 */
export function memoryNonlinearityMap<C extends MapCell>(opts: {
  xs: number[];
  ys: number[];
  cells: C[];
  label: string;
  title: string;
  cellColour: (v: number) => string;
  describe: (cell: C) => string[];
}): ChartConfiguration {
  const { xs, ys } = opts;
  return {
    type: 'matrix',
    data: {
      datasets: [
        {
          label: opts.label,
          data: opts.cells,
          backgroundColor: (ctx: { raw?: { v: number } }) => opts.cellColour(ctx.raw?.v ?? 0),
          borderColor: 'rgba(0,0,0,0.15)',
          borderWidth: 1,
          width: (ctx: { chart: { chartArea?: { width: number } } }) => Math.max(2, (ctx.chart.chartArea?.width ?? 0) / xs.length - 1),
          height: (ctx: { chart: { chartArea?: { height: number } } }) => Math.max(2, (ctx.chart.chartArea?.height ?? 0) / ys.length - 1),
        },
      ],
    },
    options: {
      plugins: {
        title: { text: opts.title },
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: () => '',
            label: (ctx: { raw: C }) => [`memory depth ${ctx.raw.x}, nonlinearity ${ctx.raw.y}`, ...opts.describe(ctx.raw)],
          },
        },
      },
      scales: {
        x: { type: 'category', labels: xs.map(String), offset: true, grid: { display: false }, title: axisTitle('memory depth (delay / window / order, task steps)'), ticks: { autoSkip: true, maxRotation: 0 } },
        y: { type: 'category', labels: ys.map(String).reverse(), offset: true, grid: { display: false }, title: axisTitle('nonlinearity (polynomial degree)') },
      },
    },
  } as unknown as ChartConfiguration;
}

export interface ErrorBar {
  lo: number;
  hi: number;
}

/**
 * Draws `dataset.errorBars` (one {lo, hi} or null per data point) as whiskers with caps, vertical
 * on ordinary charts and horizontal when indexAxis is 'y'.
 */
const errorBarsPlugin: Plugin = {
  id: 'errorBars',
  // widen the value axis so that whiskers are never cut off
  afterDataLimits(chart, args: { scale: { id: string; min: number; max: number } }) {
    const horizontal = (chart.options as { indexAxis?: string }).indexAxis === 'y';
    const scale = args.scale;
    chart.data.datasets.forEach((ds, i) => {
      const bars = (ds as { errorBars?: (ErrorBar | null)[] }).errorBars;
      if (!bars || !chart.isDatasetVisible(i)) return;
      const meta = chart.getDatasetMeta(i);
      const axis = (horizontal ? meta.xAxisID : meta.yAxisID) ?? (horizontal ? 'x' : 'y');
      if (axis !== scale.id) return;
      for (const b of bars) {
        if (!b || !Number.isFinite(b.lo) || !Number.isFinite(b.hi)) continue;
        scale.min = Math.min(scale.min, b.lo);
        scale.max = Math.max(scale.max, b.hi);
      }
    });
  },
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx;
    const horizontal = (chart.options as { indexAxis?: string }).indexAxis === 'y';
    chart.data.datasets.forEach((ds, i) => {
      const bars = (ds as { errorBars?: (ErrorBar | null)[] }).errorBars;
      const meta = chart.getDatasetMeta(i);
      if (!bars || meta.hidden || !chart.isDatasetVisible(i)) return;
      const valueScale = chart.scales[horizontal ? meta.xAxisID! : meta.yAxisID!];
      if (!valueScale) return;
      ctx.save();
      ctx.strokeStyle = (ds as { errorBarColor?: string }).errorBarColor ?? ink();
      ctx.lineWidth = 1.5;
      meta.data.forEach((el, j) => {
        const b = bars[j];
        if (!b || !Number.isFinite(b.lo) || !Number.isFinite(b.hi)) return;
        const { x, y } = el.getProps(['x', 'y'], true) as { x: number; y: number };
        const p0 = valueScale.getPixelForValue(b.lo);
        const p1 = valueScale.getPixelForValue(b.hi);
        const cap = 4;
        ctx.beginPath();
        if (horizontal) {
          ctx.moveTo(p0, y); ctx.lineTo(p1, y);
          ctx.moveTo(p0, y - cap); ctx.lineTo(p0, y + cap);
          ctx.moveTo(p1, y - cap); ctx.lineTo(p1, y + cap);
        } else {
          ctx.moveTo(x, p0); ctx.lineTo(x, p1);
          ctx.moveTo(x - cap, p0); ctx.lineTo(x + cap, p0);
          ctx.moveTo(x - cap, p1); ctx.lineTo(x + cap, p1);
        }
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

/**
 * `plugins.equalAspect: { extent }` keeps one unit the same length on both axes (a circle stays a
 * circle): the shorter side of the chart area spans [-extent, extent], the longer one more.
 */
const equalAspectPlugin: Plugin = {
  id: 'equalAspect',
  afterLayout(chart) {
    const opt = (chart.options.plugins as { equalAspect?: { extent?: number } } | undefined)?.equalAspect;
    const extent = opt?.extent;
    const { width, height } = chart.chartArea ?? { width: 0, height: 0 };
    if (!extent || width <= 0 || height <= 0) return;
    const xr = width >= height ? (extent * width) / height : extent;
    const yr = width >= height ? extent : (extent * height) / width;
    const sx = chart.options.scales?.x as { min?: number; max?: number } | undefined;
    const sy = chart.options.scales?.y as { min?: number; max?: number } | undefined;
    if (!sx || !sy) return;
    if (Math.abs((sx.max ?? 0) - xr) / xr < 0.01 && Math.abs((sy.max ?? 0) - yr) / yr < 0.01) return;
    sx.min = -xr;
    sx.max = xr;
    sy.min = -yr;
    sy.max = yr;
    // once more with the new limits (the area barely moves, so this settles at once)
    queueMicrotask(() => chart.update('none'));
  },
};

/**
 * `plugins.baseLine: { value, label }` draws a dashed vertical line at x = value with its label at the
 * top: where the unmanipulated base network sits on a resilience panel's axis.
 */
const baseLinePlugin: Plugin = {
  id: 'baseLine',
  afterDatasetsDraw(chart) {
    const opt = (chart.options.plugins as { baseLine?: { value?: number; label?: string } } | undefined)?.baseLine;
    const x = chart.scales.x;
    if (!opt || opt.value === undefined || !x || !chart.chartArea) return;
    const px = x.getPixelForValue(opt.value);
    if (!Number.isFinite(px) || px < chart.chartArea.left || px > chart.chartArea.right) return;
    const ctx = chart.ctx;
    // the text colour of the charts (a theme may change it)
    const ink = typeof Chart.defaults.color === 'string' ? Chart.defaults.color : '#333';
    ctx.save();
    ctx.strokeStyle = ink;
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(px, chart.chartArea.top);
    ctx.lineTo(px, chart.chartArea.bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = ink;
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(opt.label ?? 'base', px + 3, chart.chartArea.top + 11);
    ctx.restore();
  },
};

Chart.register(MatrixController, MatrixElement, errorBarsPlugin, equalAspectPlugin, baseLinePlugin);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.font.size = 12;
applyChartTheme();
Chart.defaults.plugins.title.font = { size: 14, weight: 'bold' };
Chart.defaults.plugins.title.display = true;

export { Chart };

/** Axis title helper: `axis('mean capacity', '0-1')`. */
export function axisTitle(text: string) {
  return { display: true, text, font: { size: 12, weight: 'bold' as const } };
}
