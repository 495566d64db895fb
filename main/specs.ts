// Reading specs from disk and from the shipped presets, with errors a person can act on.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { QuenchError, SpecError } from '../common/errors.js';
import type { ExperimentSpec } from '../common/spec.js';
import { parseExperiment } from '../common/validate.js';
import { presetsDir } from './paths.js';

export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      const col = Number(pos[1]) - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${col}`;
    }
    throw new SpecError([{ path: '(file)', value: 'text that is not JSON', allowed: `the file must be JSON (${msg}${where})` }], source);
  }
}

export function readSpecFile(path: string): ExperimentSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new QuenchError('not-found', code === 'ENOENT' ? `no such spec file or preset: ${path} (see \`quench presets\`)` : `cannot read ${path}: ${(err as Error).message}`);
  }
  return parseExperiment(parseJsonText(text, path), path);
}

export interface PresetInfo {
  name: string;
  file: string;
  spec: ExperimentSpec;
}

export function listPresets(): PresetInfo[] {
  const dir = presetsDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: basename(f, '.json'), file: join(dir, f), spec: readSpecFile(join(dir, f)) }));
}

/** A preset name, or a path to a spec file. */
export function loadSpec(nameOrPath: string): { spec: ExperimentSpec; source: string } {
  if (!nameOrPath.includes('/') && !nameOrPath.endsWith('.json')) {
    const preset = listPresets().find((p) => p.name === nameOrPath);
    if (!preset) {
      throw new QuenchError('not-found', `no preset named "${nameOrPath}"; presets: ${listPresets().map((p) => p.name).join(', ')}`);
    }
    return { spec: preset.spec, source: `preset ${preset.name}` };
  }
  return { spec: readSpecFile(nameOrPath), source: nameOrPath };
}
