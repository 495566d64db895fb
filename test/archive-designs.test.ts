// The designs the app saves (networks, and task suites with the input channels they were designed
// for) live in the archive: schema 6 adds them to an archive of schema 5 in place, and they travel
// with export, import and merge without losing either side's versions.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NetworkSchema, SuiteSchema, type ChannelSpec, type NetworkSpec } from '../common/spec.js';
import { Archive } from '../db/archive.js';
import { canonicalJson, specHash } from '../db/identity.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from '../db/schema.js';
import { exportRuns, importArchives } from '../db/transfer.js';
import { buildSuite } from '../worker/tasks.js';
import { makeSynthetic, tempDir } from './fixtures/archive-helpers.js';

const withArchive = <T>(path: string, fn: (a: Archive) => T): T => {
  const a = Archive.open(path, { appVersion: 'test' });
  try {
    return fn(a);
  } finally {
    a.close();
  }
};

const net = (raw: unknown): NetworkSpec => NetworkSchema.parse(raw);
const WHITE3: ChannelSpec[] = [{ family: 'white' }, { family: 'white' }, { family: 'white' }];
const FOUR: ChannelSpec[] = [...WHITE3, { family: 'sines' }];
const memory = SuiteSchema.parse({ name: 'memory', families: [{ family: 'delay', delays: [1, 2, 3] }, { family: 'forecast', horizons: [1, 2, 5] }] });

/**
 * An archive as Quench made it at schema 5, before saved networks and suite channels: the v1
 * fixture (an experiment with 2 of its 6 runs done) taken through the migrations of that time, with
 * a suite saved the way schema 5 stored it.
 */
function v5Archive(dir: string): string {
  const path = join(dir, 'v5.sqlite');
  const db = new Database(path);
  db.exec(readFileSync('test/fixtures/archive-v1.sql', 'utf8'));
  db.transaction(() => {
    for (let v = 1; v < 5; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma('user_version = 5');
    const spec = { ...memory, version: 1 };
    db.prepare(`INSERT INTO specs (hash, kind, json) VALUES (?, 'suite', ?)`).run(specHash(spec), canonicalJson(spec));
    // schema 5 counted with the default input: 3 white-noise channels (forecast makes none)
    db.prepare(`INSERT INTO suites (name, version, spec_hash, tasks, saved_at) VALUES ('memory', 1, ?, 9, '2024-05-01T00:00:00.000Z')`).run(specHash(spec));
  })();
  db.close();
  return path;
}

describe('schema 5 -> 6 (and on to the current schema)', () => {
  it('upgrades a version-5 archive in place: its runs and suites kept, saved networks and suite channels usable', () => {
    const path = v5Archive(tempDir());
    const before = new Database(path, { readonly: true });
    expect(before.pragma('user_version', { simple: true })).toBe(5);
    expect(before.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'networks'`).pluck().get()).toBe(0);
    const runs = before.prepare(`SELECT uid, status FROM runs ORDER BY uid`).all();
    before.close();

    withArchive(path, (a) => {
      expect(a.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(a.db.prepare(`SELECT value FROM meta WHERE key = 'migrated_from_5'`).pluck().get()).toMatch(/by quench test$/);
      expect(a.db.prepare(`SELECT uid, status FROM runs ORDER BY uid`).all()).toEqual(runs);
      // the suite saved at schema 5 reads with the channels it was counted with
      const [suite] = a.listSuites();
      expect(suite).toMatchObject({ name: 'memory', version: 1, tasks: 9, channels: WHITE3 });
      expect(buildSuite(suite!.suite, suite!.channels)).toHaveLength(9);
      // saving it again with those channels is the same version; with 4 channels the next one, counted with them
      expect(a.saveSuite(memory, 9, WHITE3).version).toBe(1);
      const four = a.saveSuite(memory, buildSuite(memory, FOUR).length, FOUR);
      expect(four).toMatchObject({ version: 2, tasks: 4 * 3 + 3, channels: FOUR });
      expect(a.listSuites()[0]).toMatchObject({ version: 2, tasks: 15, channels: FOUR });
      expect(a.saveNetwork('lognormal 300', net({ n: 300, heterogeneity: { family: 'lognormal', cv: 1 } }))).toMatchObject({ version: 1 });
      expect(a.listNetworks().map((n) => `${n.name}@${n.version}:${n.network.n}`)).toEqual(['lognormal 300@1:300']);
      expect(a.counts()).toMatchObject({ suites: 2, networks: 1 });
    });
  });

  it('imports a version-5 file through an upgraded copy, its saved suite with the default channels', () => {
    const dir = tempDir();
    const old = v5Archive(dir);
    const target = join(dir, 'target.sqlite');
    const [r] = withArchive(target, (t) => importArchives(t, [old]));
    expect(r).toMatchObject({ suites: 1, networks: 0 });
    withArchive(target, (t) => expect(t.listSuites()).toMatchObject([{ name: 'memory', version: 1, tasks: 9, channels: WHITE3 }]));
    const check = new Database(old, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(5);
    check.close();
  });
});

describe('saved designs travel with the archive', () => {
  /** An archive with finished (synthetic) runs, two saved networks and a suite saved with 4 channels. */
  function source(dir: string, name = 'a.sqlite'): string {
    const path = join(dir, name);
    const { archive } = makeSynthetic(path);
    archive.saveNetwork('wide', net({ n: 400, heterogeneity: { family: 'gamma', cv: 1 } }));
    archive.saveNetwork('wide', net({ n: 500, heterogeneity: { family: 'gamma', cv: 1 } }));
    archive.saveNetwork('lif', net({ n: 50, model: { kind: 'lif' } }));
    archive.saveSuite(memory, buildSuite(memory, FOUR).length, FOUR);
    archive.close();
    return path;
  }
  const designs = (path: string) =>
    withArchive(path, (a) => ({
      networks: a.listNetworks().map(({ name, version, network }) => ({ name, version, network })),
      suites: a.listSuites().map(({ name, version, tasks, suite, channels }) => ({ name, version, tasks, suite, channels })),
    }));

  it('exports every saved network and suite (with its channels) and imports them into another archive, once', () => {
    const dir = tempDir();
    const A = source(dir);
    const file = join(dir, 'export.quench');
    const ex = withArchive(A, (a) => exportRuns(a, file, {}));
    expect(ex).toMatchObject({ networks: 3, suites: 1 });
    // the export is an archive: the designs are in it as they were saved
    expect(designs(file)).toEqual(designs(A));
    const B = join(dir, 'b.sqlite');
    const [imp] = withArchive(B, (b) => importArchives(b, [file]));
    expect(imp).toMatchObject({ networks: 3, suites: 1 });
    const got = designs(B);
    expect(got).toEqual(designs(A));
    expect(got.suites[0]).toMatchObject({ tasks: 15, channels: FOUR });
    expect(got.networks.map((n) => `${n.name}@${n.version}:${n.network.n}`)).toEqual(['lif@1:50', 'wide@2:500', 'wide@1:400']);
    // again: nothing new
    expect(withArchive(B, (b) => importArchives(b, [file]))[0]).toMatchObject({ networks: 0, suites: 0 });
    expect(designs(B)).toEqual(got);
  });

  it('merges the designs of two machines in either order: the same design kept once, a different one under a used version added as the next', () => {
    const dir = tempDir();
    const A = source(dir, 'a.sqlite');
    const B = join(dir, 'b.sqlite');
    withArchive(B, (b) => {
      b.saveNetwork('lif', net({ n: 50, model: { kind: 'lif' } })); // the same as A's lif@1
      b.saveNetwork('wide', net({ n: 900 })); // wide@1 here is not A's wide@1
      b.saveSuite(memory, 9, WHITE3); // memory@1 with other channels than A's
    });
    const AB = join(dir, 'ab.sqlite');
    const BA = join(dir, 'ba.sqlite');
    withArchive(AB, (t) => importArchives(t, [A, B]));
    withArchive(BA, (t) => importArchives(t, [B, A]));
    const content = (path: string) => {
      const d = designs(path);
      return {
        networks: d.networks.map((n) => `${n.name}:${canonicalJson(n.network)}`).sort(),
        suites: d.suites.map((s) => `${s.name}:${s.tasks}:${canonicalJson(s.channels)}`).sort(),
        versions: d.networks.map((n) => `${n.name}@${n.version}`).concat(d.suites.map((s) => `${s.name}@${s.version}`)).sort(),
      };
    };
    const ab = content(AB);
    expect(content(BA).networks).toEqual(ab.networks);
    expect(content(BA).suites).toEqual(ab.suites);
    // lif once; wide three times (A's two, B's one); memory twice (4 channels, 3 channels)
    expect(ab.networks).toHaveLength(4);
    expect(ab.versions).toEqual(['lif@1', 'memory@1', 'memory@2', 'wide@1', 'wide@2', 'wide@3']);
    // a renumbered suite's spec carries its new version number
    withArchive(AB, (t) => {
      for (const s of t.listSuites()) expect(s.suite.version).toBe(s.version);
    });
    // merging again changes nothing
    expect(withArchive(AB, (t) => importArchives(t, [A, B])).map((r) => [r.networks, r.suites])).toEqual([[0, 0], [0, 0]]);
  });
});
