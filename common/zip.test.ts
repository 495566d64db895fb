// The store-only ZIP writer, read back by Python's zipfile (which checks every CRC) and by hand.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32, zip } from './zip.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('crc32', () => {
  it('gives the standard check values', () => {
    expect(crc32(bytes('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(bytes('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });
});

describe('zip', () => {
  const entries = [
    { name: 'report.html', data: '<!doctype html><title>Δ mean capacity − 0.5</title>' },
    { name: 'figures/fig-mean-capacity.svg', data: '<svg xmlns="http://www.w3.org/2000/svg"/>' },
    { name: 'data/chart-curve.csv', data: 'panel,x\ngain,1\n' },
    { name: 'data/empty.csv', data: '' },
    { name: 'bytes.bin', data: Uint8Array.from({ length: 300 }, (_, i) => i % 256) },
  ];

  it('is read back by python3 -m zipfile: every file, its bytes and its CRC', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quench-zip-'));
    const file = join(dir, 'all.zip');
    writeFileSync(file, zip(entries, new Date(2025, 1, 3, 4, 5, 6)));
    const test = spawnSync('python3', ['-m', 'zipfile', '-t', file], { encoding: 'utf8' });
    expect(test.status, test.stderr).toBe(0);
    const read = spawnSync(
      'python3',
      ['-c', 'import sys, zipfile, json; z = zipfile.ZipFile(sys.argv[1]); print(json.dumps([[i.filename, i.compress_type, i.date_time, z.read(i).hex()] for i in z.infolist()]))', file],
      { encoding: 'utf8' },
    );
    expect(read.status, read.stderr).toBe(0);
    const listed = JSON.parse(read.stdout) as [string, number, number[], string][];
    expect(listed.map((l) => l[0])).toEqual(entries.map((e) => e.name));
    listed.forEach(([, method, when, hex], i) => {
      expect(method).toBe(0); // stored
      expect(when).toEqual([2025, 2, 3, 4, 5, 6]);
      const data = entries[i].data;
      expect(hex).toBe(Buffer.from(typeof data === 'string' ? bytes(data) : data).toString('hex'));
    });
    const list = spawnSync('python3', ['-m', 'zipfile', '-l', file], { encoding: 'utf8' });
    expect(list.stdout).toContain('figures/fig-mean-capacity.svg');
  });

  it('records sizes, offsets and the directory where the format says', () => {
    const z = zip(entries.slice(0, 2));
    const v = new DataView(z.buffer);
    expect(v.getUint32(0, true)).toBe(0x04034b50);
    const end = z.length - 22;
    expect(v.getUint32(end, true)).toBe(0x06054b50);
    expect(v.getUint16(end + 10, true)).toBe(2);
    const dirSize = v.getUint32(end + 12, true);
    const dirStart = v.getUint32(end + 16, true);
    expect(dirStart + dirSize).toBe(end);
    expect(v.getUint32(dirStart, true)).toBe(0x02014b50);
    // the second local header is where the directory says
    const second = dirStart + 46 + 'report.html'.length;
    expect(v.getUint32(v.getUint32(second + 42, true), true)).toBe(0x04034b50);
  });

  it('refuses a name twice', () => {
    expect(() => zip([{ name: 'a.csv', data: '1' }, { name: 'a.csv', data: '2' }])).toThrow(/a.csv twice/);
  });
});
