// Editable number lists: "0, 2, 5", ranges "0..40" (step 1) and "2..40 by 2", mixed freely.

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseNumberList(text: string, opts: { integer?: boolean; min?: number; max?: number; allowEmpty?: boolean } = {}): Parsed<number[]> {
  const t = text.trim();
  if (t === '') return opts.allowEmpty ? { ok: true, value: [] } : { ok: false, error: 'give at least one value' };
  const out: number[] = [];
  const parts = t
    .split(/[,;]/)
    .flatMap((p) => (/\.\.|\bby\b|\bstep\b|\bto\b|–/.test(p) ? [p.trim()] : p.trim().split(/\s+/)))
    .filter(Boolean);
  for (const raw of parts) {
    const range = /^(-?[\d.eE+-]+)\s*(?:\.\.|–|to)\s*(-?[\d.eE+-]+)(?:\s*(?:by|step)\s*([\d.eE+-]+))?$/.exec(raw);
    if (range) {
      const [a, b, s] = [Number(range[1]), Number(range[2]), range[3] === undefined ? 1 : Number(range[3])];
      if (![a, b, s].every(Number.isFinite) || s <= 0) return { ok: false, error: `"${raw}" is not a range like 0..40 or 2..40 by 2` };
      if (b < a) return { ok: false, error: `"${raw}": the range ends before it starts` };
      if ((b - a) / s > 100000) return { ok: false, error: `"${raw}" has too many values` };
      for (let v = a; v <= b + 1e-9; v += s) out.push(Number(v.toPrecision(12)));
      continue;
    }
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v)) return { ok: false, error: `"${raw}" is not a number` };
    out.push(v);
  }
  for (const v of out) {
    if (opts.integer && !Number.isInteger(v)) return { ok: false, error: `${v} is not a whole number` };
    if (opts.min !== undefined && v < opts.min) return { ok: false, error: `${v} is below the smallest allowed value ${opts.min}` };
    if (opts.max !== undefined && v > opts.max) return { ok: false, error: `${v} is above the largest allowed value ${opts.max}` };
  }
  if (out.length === 0 && !opts.allowEmpty) return { ok: false, error: 'give at least one value' };
  return { ok: true, value: out };
}

/** Writes a list back compactly: runs of equal steps become ranges. */
export function formatNumberList(xs: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < xs.length) {
    let j = i + 1;
    const step = xs[i + 1] !== undefined ? xs[i + 1]! - xs[i]! : 0;
    if (step > 0) while (j + 1 < xs.length && Math.abs(xs[j + 1]! - xs[j]! - step) < 1e-9) j++;
    if (step > 0 && j - i >= 3) {
      parts.push(step === 1 ? `${xs[i]}..${xs[j]}` : `${xs[i]}..${xs[j]} by ${Number(step.toPrecision(12))}`);
      i = j + 1;
    } else {
      parts.push(String(xs[i]));
      i++;
    }
  }
  return parts.join(', ');
}

/** "all" or a list of channel indices. */
export function parseChannels(text: string, D: number): Parsed<'all' | number[]> {
  if (text.trim() === '' || text.trim().toLowerCase() === 'all') return { ok: true, value: 'all' };
  const r = parseNumberList(text, { integer: true, min: 0, max: D - 1 });
  if (!r.ok) return { ok: false, error: `${r.error} (channels are 0..${D - 1}, or "all")` };
  return r;
}
