// A ZIP archive of files stored as they are (no compression), made in memory: the app's "Download
// all" of a report (the HTML, each figure's SVG, every CSV) is one file instead of a dozen downloads.
// Stored entries need nothing but a CRC-32, so this small writer saves a dependency; the files are
// text of a few kB each, for which deflate would save little. The format is PKWARE's APPNOTE: a
// local header before each file's bytes, then the central directory and its end record. Names are
// UTF-8 (general purpose flag bit 11). No ZIP64: at most 65 535 files and 4 GiB, checked.

export interface ZipEntry {
  /** the path inside the archive, '/'-separated */
  name: string;
  /** text (written as UTF-8) or bytes */
  data: string | Uint8Array;
}

let table: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as ZIP and PNG use it. */
export function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A date as MS-DOS time and date fields (2-second resolution, years 1980–2107), in the date's local time. */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.min(2107, Math.max(1980, d.getFullYear()));
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** The archive's bytes: each entry stored, in the order given. Duplicate names are refused. */
export function zip(entries: readonly ZipEntry[], modified: Date = new Date()): Uint8Array<ArrayBuffer> {
  if (entries.length > 0xffff) throw new Error(`a zip of ${entries.length} files: at most 65535 without ZIP64`);
  const utf8 = new TextEncoder();
  const seen = new Set<string>();
  const { time, date } = dosDateTime(modified);
  const files = entries.map((e) => {
    if (seen.has(e.name)) throw new Error(`the zip would hold ${e.name} twice`);
    seen.add(e.name);
    const data = typeof e.data === 'string' ? utf8.encode(e.data) : e.data;
    return { name: utf8.encode(e.name), data, crc: crc32(data) };
  });
  const localSize = files.reduce((n, f) => n + 30 + f.name.length + f.data.length, 0);
  const centralSize = files.reduce((n, f) => n + 46 + f.name.length, 0);
  if (localSize + centralSize + 22 > 0xffffffff) throw new Error('the zip would be larger than 4 GiB: too large without ZIP64');
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let at = 0;
  const u16 = (v: number) => {
    view.setUint16(at, v, true);
    at += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(at, v >>> 0, true);
    at += 4;
  };
  const bytes = (b: Uint8Array) => {
    out.set(b, at);
    at += b.length;
  };
  const UTF8_NAMES = 0x0800;
  const offsets: number[] = [];
  for (const f of files) {
    offsets.push(at);
    u32(0x04034b50); // local file header
    u16(10); // version needed: 1.0 (stored)
    u16(UTF8_NAMES);
    u16(0); // method: stored
    u16(time);
    u16(date);
    u32(f.crc);
    u32(f.data.length); // compressed size
    u32(f.data.length); // uncompressed size
    u16(f.name.length);
    u16(0); // extra field length
    bytes(f.name);
    bytes(f.data);
  }
  const centralStart = at;
  files.forEach((f, i) => {
    u32(0x02014b50); // central directory header
    u16(20); // version made by: 2.0, MS-DOS attributes
    u16(10);
    u16(UTF8_NAMES);
    u16(0);
    u16(time);
    u16(date);
    u32(f.crc);
    u32(f.data.length);
    u32(f.data.length);
    u16(f.name.length);
    u16(0); // extra
    u16(0); // comment
    u16(0); // disk number
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(offsets[i]);
    bytes(f.name);
  });
  const centralLength = at - centralStart;
  u32(0x06054b50); // end of central directory
  u16(0); // this disk
  u16(0); // the disk the directory starts on
  u16(files.length);
  u16(files.length);
  u32(centralLength);
  u32(centralStart);
  u16(0); // comment length
  return out;
}
