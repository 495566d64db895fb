// The text of each page of a PDF that Chromium printed (Skia's PDF writer), with where each line sits
// on its page: enough to check a printed report's page breaks (a heading is never the last text of a
// page; a figure's caption and its data note share a page) without a PDF library. It reads what
// Skia writes: numbered objects, Flate streams, Type0 fonts with ToUnicode maps, and text shown glyph
// by glyph with Tm / Td / Tj / TJ under the cm transforms of the page's content stream. Text inside
// form XObjects (Skia uses them for translucent shapes) is not read.
import { inflateSync } from 'node:zlib';

export interface PdfLine {
  /** distance from the top of the page, in points */
  y: number;
  text: string;
}

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

function objects(pdf: Buffer): Map<number, PdfObject> {
  const s = pdf.toString('latin1');
  const out = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\b/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const start = m.index + m[0].length;
    const end = s.indexOf('endobj', start);
    const body = s.slice(start, end);
    const at = body.search(/\bstream\r?\n/);
    if (at < 0) {
      out.set(Number(m[1]), { dict: body, stream: null });
      continue;
    }
    const dataStart = start + at + body.slice(at).match(/^stream\r?\n/)![0].length;
    const dataEnd = s.lastIndexOf('endstream', end);
    let data = pdf.subarray(dataStart, dataEnd);
    const dict = body.slice(0, at);
    if (/\/FlateDecode/.test(dict)) data = inflateSync(data);
    out.set(Number(m[1]), { dict, stream: data });
    re.lastIndex = end;
  }
  return out;
}

const ref = (dict: string, key: string): number | null => {
  const m = new RegExp(`/${key}\\s+(\\d+)\\s+0\\s+R`).exec(dict);
  return m ? Number(m[1]) : null;
};

/** glyph code (hex) -> text, from a ToUnicode CMap */
function toUnicode(cmap: string): Map<string, string> {
  const map = new Map<string, string>();
  const utf16 = (hex: string) => {
    let t = '';
    for (let i = 0; i + 4 <= hex.length; i += 4) t += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
    return t;
  };
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const e of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(e[1].toUpperCase(), utf16(e[2]));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const e of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])/g)) {
      const lo = parseInt(e[1], 16);
      const hi = parseInt(e[2], 16);
      const width = e[1].length;
      const dsts = e[3].startsWith('[') ? [...e[3].matchAll(/<([0-9A-Fa-f]+)>/g)].map((x) => x[1]) : null;
      const first = dsts ? 0 : parseInt(e[3].slice(1, -1), 16);
      for (let g = lo; g <= hi; g++) {
        const key = g.toString(16).toUpperCase().padStart(width, '0');
        map.set(key, dsts ? utf16(dsts[g - lo] ?? '') : String.fromCharCode(first + (g - lo)));
      }
    }
  }
  return map;
}

type Token = { kind: 'num'; v: number } | { kind: 'name'; v: string } | { kind: 'hex'; v: string } | { kind: 'str'; v: string } | { kind: 'op'; v: string } | { kind: 'array'; v: Token[] };

function tokens(src: string): Token[] {
  const out: Token[] = [];
  const stack: Token[][] = [out];
  let i = 0;
  const push = (t: Token) => stack[stack.length - 1].push(t);
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) i++;
    else if (c === '%') while (i < src.length && src[i] !== '\n') i++;
    else if (c === '[') {
      const arr: Token[] = [];
      push({ kind: 'array', v: arr });
      stack.push(arr);
      i++;
    } else if (c === ']') {
      stack.pop();
      i++;
    } else if (c === '<' && src[i + 1] === '<') {
      // an inline dictionary (marked content properties): skipped whole
      let depth = 0;
      while (i < src.length) {
        if (src.startsWith('<<', i)) (depth++, (i += 2));
        else if (src.startsWith('>>', i)) {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
    } else if (c === '<') {
      const end = src.indexOf('>', i);
      push({ kind: 'hex', v: src.slice(i + 1, end).replace(/\s+/g, '').toUpperCase() });
      i = end + 1;
    } else if (c === '(') {
      let depth = 0;
      let t = '';
      for (i++; i < src.length; i++) {
        const d = src[i];
        if (d === '\\') t += src[++i];
        else if (d === '(') (depth++, (t += d));
        else if (d === ')') {
          if (depth === 0) break;
          depth--;
          t += d;
        } else t += d;
      }
      push({ kind: 'str', v: t });
      i++;
    } else if (c === '/') {
      const m = /^\/[^\s/<>[\]()]+/.exec(src.slice(i, i + 128))!;
      push({ kind: 'name', v: m[0].slice(1) });
      i += m[0].length;
    } else {
      const m = /^[^\s/<>[\]()%]+/.exec(src.slice(i, i + 64))!;
      const w = m[0];
      if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(w)) push({ kind: 'num', v: Number(w) });
      else push({ kind: 'op', v: w });
      i += w.length;
    }
  }
  return out;
}

type Matrix = [number, number, number, number, number, number];
const times = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];

/** Each page's lines of text, top to bottom (glyphs on one baseline, within half a point, make a line). */
export function pdfPages(pdf: Buffer): PdfLine[][] {
  const objs = objects(pdf);
  const catalog = [...objs.values()].find((o) => /\/Type\s*\/Catalog/.test(o.dict))!;
  const pageIds: number[] = [];
  const walk = (id: number) => {
    const o = objs.get(id)!;
    if (/\/Type\s*\/Pages\b/.test(o.dict)) for (const k of /\/Kids\s*\[([^\]]*)\]/.exec(o.dict)![1].matchAll(/(\d+)\s+0\s+R/g)) walk(Number(k[1]));
    else pageIds.push(id);
  };
  walk(ref(catalog.dict, 'Pages')!);
  const fonts = new Map<number, Map<string, string>>();
  const fontMap = (id: number) => {
    let f = fonts.get(id);
    if (!f) {
      const tu = ref(objs.get(id)!.dict, 'ToUnicode');
      f = tu === null ? new Map() : toUnicode(objs.get(tu)!.stream!.toString('latin1'));
      fonts.set(id, f);
    }
    return f;
  };
  return pageIds.map((id) => {
    const page = objs.get(id)!.dict;
    const height = Number(/\/MediaBox\s*\[\s*[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+([-\d.]+)\s*\]/.exec(page)![1]);
    let resources = page;
    const resRef = ref(page, 'Resources');
    if (resRef !== null) resources = objs.get(resRef)!.dict;
    const fontDict = /\/Font\s*<<([^>]*)>>/.exec(resources)?.[1] ?? '';
    const fontIds = new Map([...fontDict.matchAll(/\/(\S+)\s+(\d+)\s+0\s+R/g)].map((m) => [m[1], Number(m[2])]));
    const contents = /\/Contents\s*\[([^\]]*)\]/.exec(page)?.[1] ?? /\/Contents\s+(\d+\s+0\s+R)/.exec(page)![1];
    const src = [...contents.matchAll(/(\d+)\s+0\s+R/g)].map((m) => objs.get(Number(m[1]))!.stream!.toString('latin1')).join('\n');

    const glyphs: { x: number; y: number; t: string }[] = [];
    let ctm: Matrix = [1, 0, 0, 1, 0, 0];
    const saved: Matrix[] = [];
    let tm: Matrix = [1, 0, 0, 1, 0, 0];
    let tlm: Matrix = [1, 0, 0, 1, 0, 0];
    let font = new Map<string, string>();
    const args: Token[] = [];
    const show = (hex: string) => {
      const [, , , , e, f] = times(tm, ctm);
      let t = '';
      for (let i = 0; i + 4 <= hex.length; i += 4) t += font.get(hex.slice(i, i + 4)) ?? '';
      glyphs.push({ x: e, y: height - f, t });
    };
    for (const tok of tokens(src)) {
      if (tok.kind !== 'op') {
        args.push(tok);
        continue;
      }
      const nums = args.filter((a): a is { kind: 'num'; v: number } => a.kind === 'num').map((a) => a.v);
      switch (tok.v) {
        case 'q':
          saved.push(ctm);
          break;
        case 'Q':
          ctm = saved.pop() ?? [1, 0, 0, 1, 0, 0];
          break;
        case 'cm':
          ctm = times(nums.slice(-6) as Matrix, ctm);
          break;
        case 'BT':
          tm = tlm = [1, 0, 0, 1, 0, 0];
          break;
        case 'Tm':
          tm = tlm = nums.slice(-6) as Matrix;
          break;
        case 'Td':
        case 'TD':
          tm = tlm = times([1, 0, 0, 1, nums[nums.length - 2], nums[nums.length - 1]], tlm);
          break;
        case 'Tf': {
          const name = args.find((a) => a.kind === 'name');
          const fid = name ? fontIds.get(name.v as string) : undefined;
          font = fid === undefined ? new Map() : fontMap(fid);
          break;
        }
        case 'Tj':
          for (const a of args) if (a.kind === 'hex') show(a.v);
          break;
        case 'TJ':
          for (const a of args) if (a.kind === 'array') for (const e of a.v) if (e.kind === 'hex') show(e.v);
          break;
      }
      args.length = 0;
    }
    const lines: { y: number; parts: { x: number; t: string }[] }[] = [];
    for (const g of glyphs.sort((a, b) => a.y - b.y || a.x - b.x)) {
      const line = lines.find((l) => Math.abs(l.y - g.y) < 0.5);
      if (line) line.parts.push(g);
      else lines.push({ y: g.y, parts: [g] });
    }
    return lines.map((l) => ({ y: l.y, text: l.parts.sort((a, b) => a.x - b.x).map((p) => p.t).join('') }));
  });
}

/** Text compared without its spaces (glyph runs carry them or not, as the PDF writer chose) and ligatures (ﬁ: fi). */
export const squash = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');

export interface Located {
  text: string;
  /** the page it starts on (0-based), -1 where it was not found */
  page: number;
  /** the page its last character is on */
  endPage: number;
  /** no text follows it on its page: it ends the page */
  endsPage: boolean;
}

/**
 * Finds `texts` in the pages, in the order given (each after the one before it, as they come in the
 * document): where each starts and ends, and whether it is the last text of its page.
 */
export function locate(pages: PdfLine[][], texts: readonly string[]): Located[] {
  const pageText = pages.map((p) => p.map((l) => squash(l.text)).join(''));
  const ends: number[] = [];
  let all = '';
  for (const t of pageText) {
    all += t;
    ends.push(all.length);
  }
  const pageAt = (offset: number) => ends.findIndex((e) => offset < e);
  let cursor = 0;
  return texts.map((text) => {
    const t = squash(text);
    const at = t ? all.indexOf(t, cursor) : -1;
    if (at < 0) return { text, page: -1, endPage: -1, endsPage: false };
    cursor = at + t.length;
    const page = pageAt(at);
    const endPage = pageAt(cursor - 1);
    return { text, page, endPage, endsPage: cursor === ends[endPage] };
  });
}
