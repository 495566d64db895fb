// Where the app's own files are, whether it runs from TypeScript sources or from dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'assets'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Quench package root (package.json next to assets/)');
    dir = up;
  }
}

export const presetsDir = () => join(packageRoot(), 'assets', 'presets');
