// chart.js set up once: every controller (chart.js/auto), the matrix controller for heatmaps, error
// bars drawn by a small plugin, readable defaults, and colour-blind-safe colours (Okabe & Ito 2008
// for categories, a blue-white-orange diverging scale for differences).
import { Chart, type Plugin } from 'chart.js/auto';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';

/** Okabe-Ito: distinguishable with every common colour-vision deficiency. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];
export const colour = (i: number) => PALETTE[i % PALETTE.length]!;
/** The same colours, translucent (fills). */
export const fill = (i: number, alpha = 0.35) => colour(i) + Math.round(alpha * 255).toString(16).padStart(2, '0');

/** Marker shapes, so that series differ by more than colour. */
export const POINT_STYLES = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star', 'rectRounded', 'cross'] as const;
export const pointStyle = (i: number) => POINT_STYLES[i % POINT_STYLES.length]!;

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
      ctx.strokeStyle = (ds as { errorBarColor?: string }).errorBarColor ?? '#222';
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

Chart.register(MatrixController, MatrixElement, errorBarsPlugin, equalAspectPlugin);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.font.size = 12;
Chart.defaults.color = '#222';
Chart.defaults.plugins.title.font = { size: 14, weight: 'bold' };
Chart.defaults.plugins.title.display = true;

export { Chart };

/** Axis title helper: `axis('mean capacity', '0-1')`. */
export function axisTitle(text: string) {
  return { display: true, text, font: { size: 12, weight: 'bold' as const } };
}
