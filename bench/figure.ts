// The bench's figure (bench/out/rate-time-per-step.svg) from the rate section's raw figures, as
// bench.json keeps them: `node dist/bench/figure.js [bench.json]` redraws it without measuring again.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { logLogPanels, type Series } from './plot.js';

/** one configuration of the rate section: steps per second per backend, whole runs per core, numpy's */
export interface RateEntry {
  n: number;
  p: number;
  perBackend: Record<string, number>;
  runsAtOnce: { cores: number; stepsPerSecond: Record<string, number> };
  numpyFloat64: { stepsPerSecond?: number | null };
  numpyFloat32?: { stepsPerSecond?: number | null };
}

/**
 * log-log time per step against N: sparse and dense side by side, one line per backend; a backend,
 * its -split twin (dashed) and its whole runs on every core (dotted) share a colour; numpy beside them
 */
export function rateFigure(entries: RateEntry[]): string {
  const panels = new Map<string, Map<string, Series>>();
  const add = (storage: string, name: string, family: string, dash: Series['dash'], n: number, stepsPerSecond: number | null | undefined) => {
    if (!stepsPerSecond) return;
    const panel = panels.get(storage) ?? panels.set(storage, new Map()).get(storage)!;
    const s = panel.get(name) ?? panel.set(name, { name, family, dash, points: [] }).get(name)!;
    s.points.push([n, 1e6 / stepsPerSecond]);
  };
  for (const e of entries) {
    const storage = e.p < 1 ? `sparse, p = ${e.p}` : 'dense, p = 1';
    for (const [b, v] of Object.entries(e.perBackend)) add(storage, b, b.replace(/-split$/, ''), b.endsWith('-split') ? 1 : 0, e.n, v);
    // whole runs on every core: wall time per step of work, all cores counted
    for (const [b, v] of Object.entries(e.runsAtOnce.stepsPerSecond)) add(storage, `${b}, ${e.runsAtOnce.cores} runs at once`, b, 2, e.n, v);
    add(storage, 'numpy f64', 'numpy f64', 0, e.n, e.numpyFloat64.stepsPerSecond);
    if (e.numpyFloat32) add(storage, 'numpy f32', 'numpy f32', 0, e.n, e.numpyFloat32.stepsPerSecond);
  }
  return logLogPanels(
    [...panels].map(([title, series]) => ({ title, series: [...series.values()] })),
    'Rate update: time per step (lower is faster)',
    'network size N (neurons)',
    'time per step (µs)',
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2] ?? fileURLToPath(new URL('../../bench/out/bench.json', import.meta.url));
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { raw: { rate?: RateEntry[] } };
  if (!doc.raw.rate) throw new Error(`${file} has no rate section to draw`);
  const svg = fileURLToPath(new URL('../../bench/out/rate-time-per-step.svg', import.meta.url));
  writeFileSync(svg, rateFigure(doc.raw.rate));
  console.log(`wrote ${svg}`);
}
