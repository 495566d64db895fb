#!/usr/bin/env node
// `npm start`: the desktop app. Electron's binary is not downloaded by `npm ci` here (no network on
// the build machines), so this checks, in words, that it and the build are there, then starts
// Electron on dist/main/electron/main.js with this command's arguments (--archive PATH, --threads N).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function fail(message) {
  process.stderr.write(`quench desktop: ${message}\n`);
  process.exit(1);
}

let electronDir;
try {
  electronDir = dirname(require.resolve('electron/package.json'));
} catch {
  fail('the electron package is not installed: run `npm ci` first.');
}
const version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;

// where electron's own index.js looks: dist/<path.txt>, or $ELECTRON_OVERRIDE_DIST_PATH
const pathFile = join(electronDir, 'path.txt');
const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
const binary = override ? join(override, relative || 'electron') : relative ? join(electronDir, 'dist', relative) : null;
if (!binary || !existsSync(binary)) {
  fail(
    `the Electron ${version} binary is not installed (${binary ?? join(electronDir, 'path.txt')} is missing): installs on the build machines skip its download.\n` +
      'Fetch it once (it downloads Electron for this platform from GitHub, so it needs the network; ELECTRON_MIRROR names another source):\n\n' +
      '    ELECTRON_SKIP_BINARY_DOWNLOAD= node node_modules/electron/install.js\n\n' +
      'then run `npm start` again. Without a window, the same app runs in a browser: npx quench serve',
  );
}

const main = join(root, 'dist', 'main', 'electron', 'main.js');
for (const f of [main, join(root, 'dist', 'main', 'electron', 'preload.cjs'), join(root, 'dist', 'renderer', 'index.html')]) {
  if (!existsSync(f)) fail(`${f} is missing: run \`npm run build\` first.`);
}

// better-sqlite3 is a native module built for one ABI: the one of Node (for the command line and the
// tests, as `npm ci` builds it) or the one of Electron. If it loads here, it is Node's.
if (!process.env.QUENCH_SKIP_ABI_CHECK) {
  let nodeBuild = false;
  try {
    const Database = require('better-sqlite3');
    new Database(':memory:').close();
    nodeBuild = true;
  } catch {
    // not loadable by this Node: built for Electron (or broken, which the app will say)
  }
  if (nodeBuild) {
    fail(
      `better-sqlite3 (the archive's SQLite binding) is built for Node ${process.versions.node} (ABI ${process.versions.modules}); Electron ${version} needs its own build. Make it with:\n\n` +
        '    npx electron-builder install-app-deps\n\n' +
        'and afterwards, to give the command line and the tests their Node build back: npm rebuild better-sqlite3\n' +
        '(QUENCH_SKIP_ABI_CHECK=1 skips this check.)',
    );
  }
}

const child = spawn(binary, [main, ...process.argv.slice(2)], { stdio: 'inherit', windowsHide: false });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (err) => fail(`cannot start ${binary}: ${err.message}`));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
