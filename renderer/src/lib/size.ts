// "The smallest heterogeneous N whose mean capacity reaches the homogeneous network of size N_max"
// (science.md §6), from the configurations of a comparison; the same rule as worker/stats.ts
// sizeEquivalence (reaching means >=; interpolated in log N between the sizes around the crossing).
export interface SizeAnswer {
  series: string;
  nMax: number;
  homoAtNMax: number;
  smallestHeteroN: number | null;
  interpolatedN: number | null;
}

export function sizeEquivalence(homo: Map<number, number>, hetero: Map<number, number>, series: string): SizeAnswer | null {
  const ns = [...homo.keys()].sort((a, b) => a - b);
  if (ns.length === 0) return null;
  const nMax = ns[ns.length - 1]!;
  const target = homo.get(nMax)!;
  const het = [...hetero.entries()].filter(([, v]) => Number.isFinite(v)).sort((a, b) => a[0] - b[0]);
  if (het.length < 2) return null;
  const k = het.findIndex(([, v]) => v >= target);
  if (k < 0) return { series, nMax, homoAtNMax: target, smallestHeteroN: null, interpolatedN: null };
  let interpolatedN = het[k]![0];
  if (k > 0) {
    const [n0, c0] = het[k - 1]!;
    const [n1, c1] = het[k]!;
    const f = (target - c0) / (c1 - c0);
    interpolatedN = Math.exp(Math.log(n0) + f * (Math.log(n1) - Math.log(n0)));
  }
  return { series, nMax, homoAtNMax: target, smallestHeteroN: het[k]![0], interpolatedN };
}
