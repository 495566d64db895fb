// The resilience small multiples: each manipulation placed on the axis of its kind from the operations
// it applies (not its label), the base network on every panel where it has a place.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manipulation } from '../../common/spec.js';
import { tempDir } from '../../test/fixtures/archive-helpers.js';
import { makeResilience } from '../../test/fixtures/resilience-synthetic.js';
import { compare } from './compare.js';
import { manipulationPanels } from './manipulations.js';

const def = (label: string, ops: Manipulation[] | null, baseP: number | null = 0.1) => ({ label, ops, baseP });

describe('manipulationPanels', () => {
  it('puts gain, connectivity and W = 0 each on its own axis, the base at gain 1 and at its own p', () => {
    const panels = manipulationPanels([
      def('base', []),
      def('gain x0', [{ op: 'scaleGain', factor: 0 }]),
      def('gain x2', [{ op: 'scaleGain', factor: 2 }]),
      def('gain x0.5', [{ op: 'scaleGain', factor: 0.5 }]),
      def('p=0.01', [{ op: 'resampleConnectivity', p: 0.01 }]),
      def('p=1', [{ op: 'resampleConnectivity', p: 1 }]),
      def('no recurrence', [{ op: 'removeRecurrence' }]),
    ]);
    expect(panels.map((p) => [p.type, p.scale])).toEqual([
      ['gain', 'linear'],
      ['connectivity', 'log'],
      ['no recurrence', 'point'],
    ]);
    const [gain, conn, w0] = panels;
    expect(gain.domain).toEqual([0, 2]);
    expect(gain.points).toEqual([
      { x: 'gain x0', value: 0, base: false },
      { x: 'gain x0.5', value: 0.5, base: false },
      { x: 'base', value: 1, base: true },
      { x: 'gain x2', value: 2, base: false },
    ]);
    expect(conn.points.map((p) => [p.x, p.value])).toEqual([
      ['p=0.01', 0.01],
      ['base', 0.1],
      ['p=1', 1],
    ]);
    expect(w0.points).toEqual([
      { x: 'base', value: null, base: true },
      { x: 'no recurrence', value: null, base: false },
    ]);
  });

  it('reads the operations, not the labels', () => {
    const panels = manipulationPanels([def('unchanged', []), def('strong', [{ op: 'scaleGain', factor: 1.75 }]), def('sparse', [{ op: 'resampleConnectivity', p: 0.02 }])]);
    expect(panels.map((p) => p.type)).toEqual(['gain', 'connectivity']);
    expect(panels[0].points.map((p) => [p.x, p.value])).toEqual([
      ['unchanged', 1],
      ['strong', 1.75],
    ]);
  });

  it('draws several operations, and labels defined differently across experiments, as points of their own', () => {
    const panels = manipulationPanels([
      def('base', []),
      def('both', [{ op: 'scaleGain', factor: 0.5 }, { op: 'weightNoise', sigma: 0.1 }]),
      def('ambiguous', null),
      def('noise', [{ op: 'weightNoise', sigma: 0.2 }]),
      def('prune', [{ op: 'prune', fraction: 0.3, mode: 'weakest' }]),
    ]);
    expect(panels.map((p) => [p.type, p.scale])).toEqual([
      ['combined', 'point'],
      ['defined differently', 'point'],
      ['weight noise', 'linear'],
      ['pruning (weakest)', 'linear'],
    ]);
    expect(panels[0].points.map((p) => p.x)).toEqual(['base', 'both']);
    // the base is not "defined differently": it is not drawn there
    expect(panels[1].points.map((p) => p.x)).toEqual(['ambiguous']);
    expect(panels[2].points.map((p) => [p.x, p.value])).toEqual([
      ['base', 0],
      ['noise', 0.2],
    ]);
    expect(panels[3].domain).toEqual([0, 1]);
  });

  it('leaves the base off the connectivity axis when its p is not one value', () => {
    const [conn] = manipulationPanels([def('base', [], null), def('p=0.3', [{ op: 'resampleConnectivity', p: 0.3 }], null)]);
    expect(conn.points.map((p) => p.x)).toEqual(['p=0.3']);
  });
});

describe('compare: the resilience curve in panels', () => {
  it('gives gain, p and W = 0 their own axes from the archived sweep', () => {
    const { archive } = makeResilience(join(tempDir('quench-manip-'), 'a.sqlite'));
    try {
      const c = compare(archive, { filter: {} });
      expect(c.curve?.x).toBe('manipulation');
      const panels = c.curve!.panels;
      expect(panels.map((p) => p.type)).toEqual(['gain', 'connectivity', 'no recurrence']);
      expect(panels[0].points.map((p) => [p.x, p.value, p.base])).toEqual([
        ['g/2', 0.5, false],
        ['base', 1, true],
        ['g*1.5', 1.5, false],
      ]);
      // the base network's own p, from the run specs
      expect(panels[1].points.map((p) => [p.x, p.value])).toEqual([
        ['sparse', 0.05],
        ['base', 0.2],
      ]);
      expect(panels[2].points.map((p) => p.x)).toEqual(['base', 'W=0']);
      // every panel point is an x of the curve, so each series has its value there
      for (const p of panels) for (const pt of p.points) expect(c.curve!.xs).toContain(pt.x);
      // a curve against another factor has no panels
      expect(compare(archive, { filter: {}, curve: 'cv' }).curve!.panels).toEqual([]);
    } finally {
      archive.close();
    }
  });
});
