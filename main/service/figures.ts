// The figures of a report, numbered in the order they appear: each is shown with a caption above it
// and its data files below, and kept whole on a printed page; each is also handed out as a file of
// its own (an SVG that carries its style) with the names of the CSV files holding its numbers, so
// that the app can offer every figure as SVG + CSV and put them all in one zip.
import type { ReportFigure } from '../../common/api.js';
import { esc, standaloneSvg } from './svg.js';

export class Figures {
  private readonly figures: ReportFigure[] = [];

  /**
   * A figure as the report shows it: "Figure n. title" above the chart, its data files below, in a
   * <figure> that print keeps on one page. `name` is its file name (unique within a report), `csv`
   * the names of the report's CSV files with the numbers drawn.
   */
  add(name: string, title: string, svg: string, csv: string[]): string {
    if (this.figures.some((f) => f.name === name)) throw new Error(`report figure ${name} twice`);
    this.figures.push({ name, title, svg: standaloneSvg(svg), csv });
    const n = this.figures.length;
    return [
      `<figure class="figure" id="${esc(name)}">`,
      `<figcaption><strong>Figure ${n}.</strong> ${esc(title)}</figcaption>`,
      svg,
      `<p class="data">Data: ${csv.map((c) => `<code>${esc(c)}.csv</code>`).join(', ')} · figure: <code>${esc(name)}.svg</code></p>`,
      '</figure>',
    ].join('\n');
  }

  get list(): ReportFigure[] {
    return [...this.figures];
  }
}
