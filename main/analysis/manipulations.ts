// Where each manipulation of a resilience sweep sits on a numeric axis, from the operations it applies
// (docs/model.md §3.4), not from its label: "gain x0.5" is scaleGain with factor 0.5, whatever it is
// called. One panel per kind of manipulation, so that a gain factor, a connection probability and
// W = 0 are never drawn on one categorical line:
//   - gain factors on a linear axis 0–2, the base network at 1;
//   - connection probabilities on a log axis, the base network at its own p;
//   - W = 0 (recurrence removed) as its own point, beside the base;
//   - the other operations on their own linear axes, the base at their identity (σ = 0, factor 1).
// A manipulation of several operations, or one label that stands for different operations in
// different experiments, cannot be placed on one axis: each is its own point, said so.
import type { ManipulationPanel } from '../../common/comparison.js';
import type { Manipulation } from '../../common/spec.js';

/** One x value of the curve: a manipulation label and what it does. */
export interface ManipulationDefinition {
  label: string;
  /** the operations the label applies to the base network; null: it differs between experiments */
  ops: readonly Manipulation[] | null;
  /** the base network's connection probability (null: it differs between the runs) */
  baseP: number | null;
}

interface Kind {
  type: string;
  axis: string;
  scale: 'linear' | 'log';
  domain: [number, number] | null;
  value: number;
  /** where the unmanipulated network sits on this axis (null: not on it) */
  base: number | null;
}

/** A single operation as a kind of manipulation and its value (removeRecurrence: null, a point of its own). */
function kindOf(op: Manipulation, baseP: number | null): Kind | null {
  switch (op.op) {
    case 'scaleGain':
      return { type: 'gain', axis: 'gain factor on W (1 = the base network)', scale: 'linear', domain: [0, 2], value: op.factor, base: 1 };
    case 'resampleConnectivity':
      return { type: 'connectivity', axis: 'connection probability p (log scale; the base network at its own p)', scale: 'log', domain: null, value: op.p, base: baseP };
    case 'weightNoise':
      return { type: 'weight noise', axis: 'weight noise σ (0 = the base network)', scale: 'linear', domain: null, value: op.sigma, base: 0 };
    case 'prune':
      return { type: `pruning (${op.mode})`, axis: `fraction of the weights pruned, ${op.mode} (0 = the base network)`, scale: 'linear', domain: [0, 1], value: op.fraction, base: 0 };
    case 'scaleInput':
      return { type: 'input gain', axis: 'input gain factor on U (1 = the base network)', scale: 'linear', domain: null, value: op.factor, base: 1 };
    case 'perturbTau':
      return { type: 'tau perturbation', axis: 'τ perturbation σ (0 = the base network)', scale: 'linear', domain: null, value: op.sigma, base: 0 };
    case 'removeRecurrence':
      return null;
  }
}

const POINT_PANELS: Record<string, string> = {
  'no recurrence': 'W = 0 (recurrence removed), beside the base network',
  combined: 'manipulations of several operations, or none beside the base (each its own point)',
  'defined differently': 'labels whose operations differ between experiments (each its own point)',
};

/**
 * The panels of a curve over manipulations, in the order their kinds first appear among `xs`. The
 * base (the first label without operations) is on every panel where it has a place; further labels
 * without operations are points of the 'combined' panel (they cannot be told from the base).
 */
export function manipulationPanels(xs: readonly ManipulationDefinition[]): ManipulationPanel[] {
  const base = xs.find((d) => d.ops !== null && d.ops.length === 0) ?? null;
  const numeric = new Map<string, { kind: Kind; points: { x: string; value: number }[] }>();
  const points = new Map<string, string[]>();
  const order: string[] = [];
  const seen = (type: string) => {
    if (!order.includes(type)) order.push(type);
  };
  for (const d of xs) {
    if (d === base) continue;
    if (d.ops === null) {
      seen('defined differently');
      points.set('defined differently', [...(points.get('defined differently') ?? []), d.label]);
      continue;
    }
    const kind = d.ops.length === 1 ? kindOf(d.ops[0], base?.baseP ?? null) : null;
    if (d.ops.length === 1 && kind === null) {
      seen('no recurrence');
      points.set('no recurrence', [...(points.get('no recurrence') ?? []), d.label]);
    } else if (kind === null) {
      seen('combined');
      points.set('combined', [...(points.get('combined') ?? []), d.label]);
    } else {
      seen(kind.type);
      const panel = numeric.get(kind.type) ?? { kind, points: [] };
      panel.points.push({ x: d.label, value: kind.value });
      numeric.set(kind.type, panel);
    }
  }
  return order.map((type): ManipulationPanel => {
    const n = numeric.get(type);
    if (n) {
      const pts = n.points.map((p) => ({ ...p, base: false }));
      if (base && n.kind.base !== null && !(n.kind.scale === 'log' && !(n.kind.base > 0))) pts.push({ x: base.label, value: n.kind.base, base: true });
      pts.sort((a, b) => a.value - b.value || Number(b.base) - Number(a.base));
      return { type, axis: n.kind.axis, scale: n.kind.scale, domain: n.kind.domain, points: pts };
    }
    const labels = points.get(type)!;
    const withBase = base && type !== 'defined differently' ? [{ x: base.label, value: null, base: true }] : [];
    return { type, axis: POINT_PANELS[type], scale: 'point', domain: null, points: [...withBase, ...labels.map((x) => ({ x, value: null, base: false }))] };
  });
}
