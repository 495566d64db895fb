// What this machine measured about itself, kept on disk so that it is measured once: the backend
// calibration's kernel probes (main/backend-choice.ts) and the cost estimate's run probes
// (main/cost.ts). One JSON file ($QUENCH_CALIBRATION, else calibration.json in the user cache
// folder), valid for one app version on one CPU model: a new version, or another CPU (a home folder
// shared by a cluster's nodes), measures again. Each section has its own validity string too (the
// calibration's: the set of backends it chose among).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import envPaths from 'env-paths';
import { appVersion } from './version.js';

type Section = { validity: string; entries: Record<string, unknown> };
type Doc = { version: string; cpu: string; sections: Record<string, Section> };

export function measurementsFile(): string {
  return process.env.QUENCH_CALIBRATION ?? join(envPaths('quench', { suffix: '' }).cache, 'calibration.json');
}

/** the CPU the measurements were made on */
export function cpuModel(): string {
  return `${cpus()[0]?.model ?? 'unknown CPU'} x ${cpus().length}`;
}

function readDoc(file: string): Doc | null {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Doc;
    return doc.version === appVersion() && doc.cpu === cpuModel() && typeof doc.sections === 'object' && doc.sections !== null ? doc : null;
  } catch {
    // none yet, unreadable or corrupt: measured again, and written over
    return null;
  }
}

/** a section's entries, or none where the file, the version, the CPU or the section's validity differ */
export function readMeasurements<T>(section: string, validity: string): Record<string, T> {
  const s = readDoc(measurementsFile())?.sections[section];
  return s && s.validity === validity ? (s.entries as Record<string, T>) : {};
}

/**
 * Replaces a section's entries (the file's other sections stay, re-read just before: another process
 * may have written them meanwhile). A file that cannot be written costs a measurement next time,
 * nothing else.
 */
export function writeMeasurements<T>(section: string, validity: string, entries: Record<string, T>): void {
  const file = measurementsFile();
  try {
    const doc: Doc = readDoc(file) ?? { version: appVersion(), cpu: cpuModel(), sections: {} };
    doc.sections[section] = { validity, entries };
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(doc, null, 1));
    renameSync(partial, file);
  } catch {
    // (see above)
  }
}
