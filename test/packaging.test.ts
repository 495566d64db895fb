// Packaging smoke test (issue 12, point 10): electron-builder packages the built app (`--linux dir`,
// electron-builder.yml as it is) against a STUB Electron distribution, so nothing is downloaded; then
// app.asar is checked for what the app reads at run time, for what it must not ship, and the packaged
// tree is extracted and loaded in Node the way the main process and its worker threads load it.
//
// The stub: electron-builder's `electronDist` names an unpacked Electron folder that it copies
// instead of downloading one (app-builder-lib/out/electron/ElectronFramework.js, `unpack`). For
// Linux it renames `electron` to the app's executable, deletes `version` and
// resources/default_app.asar, renames LICENSE to LICENSE.electron.txt, and writes resources/app.asar
// (+ app.asar.unpacked). So the stub is those files: a two-line shell script for `electron` (never
// run) and placeholders. `dir` needs no packaging tools (no fpm, no AppImage runtime);
// app-builder-bin, which collects the dependencies, ships in node_modules.
//
// npmRebuild is off: a rebuild for Electron would fetch Electron's headers. So better-sqlite3's binary
// in the package is the Node build that `npm ci` made, not the Electron build a release carries;
// fine for this test, which checks where the binary lands, and it lets the extracted package load it
// in Node below. Proxies point at a closed port so any download attempt fails the test instead of
// reaching the network, and electron-builder's caches are empty temporary folders.
//
// Needs `npm run build` first (npm test runs it). Skipped only where electron-builder is not installed.
// QUENCH_KEEP_PACKAGE=1 keeps the temporary folder (its path is printed) to look at.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const requireHere = createRequire(import.meta.url);

/** electron-builder's command-line script, or null when it is not installed */
function builderCli(): string | null {
  try {
    const pj = requireHere.resolve('electron-builder/package.json');
    const bin = (JSON.parse(readFileSync(pj, 'utf8')) as { bin: Record<string, string> }).bin['electron-builder'];
    return join(dirname(pj), bin);
  } catch {
    return null;
  }
}
const cli = builderCli();

interface AsarFileInfo {
  size?: number;
  unpacked?: boolean;
}
interface Asar {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  statFile(archive: string, filename: string, followLinks?: boolean): AsarFileInfo;
  extractFile(archive: string, filename: string): Buffer;
  extractAll(archive: string, dest: string): void;
}

/** @electron/asar: a dependency of electron-builder's (through @electron/universal), not ours */
function loadAsar(): Asar {
  const bases = [join(root, 'package.json')];
  try {
    const lib = requireHere.resolve('app-builder-lib/package.json');
    bases.push(lib);
    bases.push(createRequire(lib).resolve('@electron/universal/package.json'));
  } catch {
    // app-builder-lib not resolvable from here: the project root is all there is
  }
  for (const base of bases) {
    try {
      return createRequire(base)('@electron/asar') as Asar;
    } catch {
      // try the next place
    }
  }
  throw new Error('@electron/asar (installed with electron-builder) is not found: run `npm ci`');
}

/** the Electron version to package for: the installed electron package's, else package.json's range */
function electronVersion(): string {
  try {
    return (JSON.parse(readFileSync(requireHere.resolve('electron/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
    const m = /\d+\.\d+\.\d+/.exec(pkg.devDependencies?.electron ?? '');
    if (!m) throw new Error('cannot tell which Electron version to package for: electron is neither installed nor in devDependencies');
    return m[0];
  }
}

/** every file under dir (paths relative to dir, with /) */
function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, base, out);
    else out.push(relative(base, p).split(sep).join('/'));
  }
  return out;
}

function makeStubElectron(dir: string, version: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const exe = join(dir, 'electron');
  writeFileSync(exe, '#!/bin/sh\necho "a stub Electron (test/packaging.test.ts): it only stands in for packaging" >&2\nexit 1\n');
  chmodSync(exe, 0o755);
  writeFileSync(join(dir, 'resources', 'default_app.asar'), '');
  writeFileSync(join(dir, 'LICENSE'), 'stub Electron LICENSE\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<!doctype html><title>stub</title>\n');
  writeFileSync(join(dir, 'version'), `${version}\n`);
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${basename(args[0] ?? command)} ran past ${options.timeoutMs / 1000} s:\n${output.slice(-4000)}`));
    }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

// Run in the extracted package by plain Node: what the main process and its worker threads read at
// run time (packageRoot, presets, renderer folder, WebAssembly kernels, the SQLite binding) and the
// module graphs of the main process and of both worker entries. Prints one JSON object.
const PROBE = `
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
const root = process.argv[2];
const url = (p) => pathToFileURL(join(root, p)).href;
const out = {};
const paths = await import(url('dist/main/paths.js'));
out.packageRoot = paths.packageRoot();
out.presets = readdirSync(paths.presetsDir()).filter((f) => f.endsWith('.json')).sort();
const files = await import(url('dist/main/service/static-files.js'));
out.rendererDir = files.rendererDir();
out.index = files.resolveStatic(files.rendererDir(), '/').ok;
const kernels = await import(url('dist/worker/wasm/kernels.js'));
out.wasm = {};
for (const f of readdirSync(join(root, 'dist/worker/wasm')).filter((f) => f.endsWith('.wasm'))) {
  const build = f.slice(0, -'.wasm'.length);
  try { kernels.kernelModule(build); out.wasm[build] = 'ok'; } catch (e) { out.wasm[build] = String(e?.message ?? e); }
}
out.native = (await import(url('dist/worker/native/kernels.js'))).nativeMissing();
const Database = createRequire(join(root, 'package.json'))('better-sqlite3');
const db = new Database(':memory:');
out.sqlite = db.prepare('select sqlite_version() as v').get().v;
db.close();
await import(url('dist/main/service.js'));
out.service = 'ok';
// a worker entry has loaded when it answers (a refusal of the odd request is an answer) or fails
// on the request rather than on loading
const loadFailure = /MODULE_NOT_FOUND|ERR_PACKAGE|ERR_UNSUPPORTED|Cannot find (module|package)|SyntaxError/;
function probe(entry, message) {
  return new Promise((resolve) => {
    const w = new Worker(new URL(url(entry)));
    let settled = false;
    const done = (r) => { if (settled) return; settled = true; resolve(r); void w.terminate(); };
    w.once('message', () => done('ok'));
    w.once('error', (e) => { const s = String(e?.code ?? '') + ' ' + (e?.name ?? '') + ': ' + (e?.message ?? e); done(loadFailure.test(s) ? s : 'ok'); });
    w.once('exit', (c) => done('exited with code ' + c + ' before answering'));
    w.postMessage(message);
  });
}
out.thread = await probe('dist/worker/thread.js', { type: 'job', runs: [{ index: 0 }], backend: 'no-such-backend' });
out.preview = await probe('dist/main/service/preview-thread.js', { spec: null, seed: 0, part: 'none' });
console.log(JSON.stringify(out));
`;

describe.skipIf(!cli)('packaging (electron-builder --linux dir, stub Electron)', () => {
  const asar = cli ? loadAsar() : (null as unknown as Asar);
  let tmp = '';
  let archive = '';
  let unpackedDir = '';
  let entries = new Set<string>();
  let log = '';
  const has = (p: string) => entries.has(p);
  const missing = (paths: string[]) => paths.filter((p) => !has(p));

  beforeAll(async () => {
    const needed = ['dist/main/electron/main.js', 'dist/renderer/index.html', 'dist/worker/thread.js', 'dist/worker/wasm'];
    const absent = needed.filter((p) => !existsSync(join(root, p)));
    if (absent.length > 0) throw new Error(`the build is missing (${absent.join(', ')}): run \`npm run build\` first (npm test does)`);

    tmp = mkdtempSync(join(tmpdir(), 'quench-packaging-'));
    const version = electronVersion();
    const stub = join(tmp, 'electron-dist');
    const out = join(tmp, 'out');
    const cache = join(tmp, 'cache');
    makeStubElectron(stub, version);
    mkdirSync(cache);
    const deadProxy = 'http://127.0.0.1:9';
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ELECTRON_BUILDER_CACHE: cache,
      ELECTRON_CACHE: cache,
      HTTP_PROXY: deadProxy,
      HTTPS_PROXY: deadProxy,
      http_proxy: deadProxy,
      https_proxy: deadProxy,
      NO_PROXY: '',
      no_proxy: '',
      CSC_IDENTITY_AUTO_DISCOVERY: 'false',
    };
    const args = [
      cli!,
      '--linux',
      'dir',
      '--x64',
      '--publish',
      'never',
      `-c.electronDist=${stub}`,
      `-c.electronVersion=${version}`,
      `-c.directories.output=${out}`,
      '-c.npmRebuild=false',
    ];
    const r = await run(process.execPath, args, { cwd: root, env, timeoutMs: 150_000 });
    log = r.output;
    if (r.code !== 0) throw new Error(`electron-builder exited with code ${r.code}:\n${log.slice(-6000)}`);
    archive = join(out, 'linux-unpacked', 'resources', 'app.asar');
    unpackedDir = `${archive}.unpacked`;
    if (!existsSync(archive)) throw new Error(`electron-builder wrote no ${archive}:\n${log.slice(-6000)}`);
    entries = new Set(asar.listPackage(archive, { isPack: false }).map((p) => p.split(sep).join('/').replace(/^\//, '')));
    if (process.env.QUENCH_KEEP_PACKAGE) console.log(`packaging test: kept ${tmp}`);
  }, 240_000);

  afterAll(() => {
    if (tmp && !process.env.QUENCH_KEEP_PACKAGE) rmSync(tmp, { recursive: true, force: true });
  });

  it('packaged from the stub: nothing downloaded, nothing rebuilt', () => {
    expect(log).not.toMatch(/downloading|download url/i);
    expect(log).toMatch(/copying Electron/);
    expect(log).toMatch(/skipped dependencies rebuild/);
  });

  it("the packaged package.json starts the compiled main process, an ES module", () => {
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main?: string; type?: string; version?: string };
    const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(pkg.main).toBe('dist/main/electron/main.js');
    expect(has(pkg.main!)).toBe(true);
    expect(pkg.type).toBe('module');
    expect(pkg.version).toBe(own.version);
  });

  it('holds every compiled file of the app (dist/ but bench/ and source maps)', () => {
    const built = walk(join(root, 'dist'))
      .filter((f) => !f.startsWith('bench/') && !f.endsWith('.map'))
      .map((f) => `dist/${f}`);
    expect(built.length).toBeGreaterThan(0);
    expect(missing(built)).toEqual([]);
  });

  it('holds the built renderer: index.html, gpu-host.html and every asset they load', () => {
    const renderer = walk(join(root, 'dist', 'renderer')).filter((f) => !f.endsWith('.map'));
    expect(renderer).toEqual(expect.arrayContaining(['index.html', 'gpu-host.html']));
    expect(renderer.some((f) => f.startsWith('assets/'))).toBe(true);
    expect(missing(renderer.map((f) => `dist/renderer/${f}`))).toEqual([]);
    for (const page of ['index.html', 'gpu-host.html']) {
      const html = readFileSync(join(root, 'dist', 'renderer', page), 'utf8');
      const refs = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"?#]+)"/g)].map((m) => `dist/renderer/${m[1]}`);
      expect(refs.length, `${page} loads no assets`).toBeGreaterThan(0);
      expect(missing(refs), `assets ${page} loads`).toEqual([]);
    }
  });

  it('holds the worker thread entries and the preload scripts', () => {
    // the run worker (main/scheduler.ts), the network preview thread (main/service.ts), the split
    // kernels' helper thread (worker/wasm/split.ts)
    expect(missing(['dist/worker/thread.js', 'dist/main/service/preview-thread.js', 'dist/worker/wasm/helper.js'])).toEqual([]);
    // the preloads the compiled main process names
    const main = readFileSync(join(root, 'dist', 'main', 'electron', 'main.js'), 'utf8');
    const preloads = [...new Set([...main.matchAll(/['"]([\w.-]+\.cjs)['"]/g)].map((m) => `dist/main/electron/${m[1]}`))];
    expect(preloads).toEqual(expect.arrayContaining(['dist/main/electron/preload.cjs', 'dist/main/electron/gpu-host-preload.cjs']));
    expect(missing(preloads)).toEqual([]);
  });

  it('holds every WebAssembly build, unpacked (asarUnpack)', () => {
    const declared = [...readFileSync(join(root, 'scripts', 'build-wasm.mjs'), 'utf8').matchAll(/\bout:\s*'([\w-]+)'/g)].map((m) => `${m[1]}.wasm`);
    expect(declared.length, 'scripts/build-wasm.mjs declares no builds (the test reads its `out:` names)').toBeGreaterThan(0);
    const built = readdirSync(join(root, 'dist', 'worker', 'wasm')).filter((f) => f.endsWith('.wasm'));
    // a build the script declares but dist/ lacks is a broken build, not a smaller one
    expect(declared.filter((f) => !built.includes(f)), 'declared in scripts/build-wasm.mjs but not built').toEqual([]);
    for (const f of built) {
      const inside = `dist/worker/wasm/${f}`;
      expect(has(inside), inside).toBe(true);
      expect(asar.statFile(archive, inside).unpacked, `${inside} unpacked`).toBe(true);
      const onDisk = join(unpackedDir, 'dist', 'worker', 'wasm', f);
      expect(existsSync(onDisk), onDisk).toBe(true);
      expect(statSync(onDisk).size).toBe(statSync(join(root, 'dist', 'worker', 'wasm', f)).size);
    }
  });

  it('holds the experiment presets', () => {
    const presets = readdirSync(join(root, 'assets', 'presets')).filter((f) => f.endsWith('.json'));
    expect(presets.length).toBeGreaterThan(0);
    expect(missing(presets.map((f) => `assets/presets/${f}`))).toEqual([]);
  });

  it('holds the native kernels unpacked (asarUnpack) where the build has them', () => {
    const addon = 'dist/worker/native/quench_kernels.node';
    if (!existsSync(join(root, addon))) {
      expect(existsSync(join(root, 'dist', 'worker', 'native', 'unbuilt.txt')), 'neither the native kernels nor why they are missing').toBe(true);
      return;
    }
    expect(has(addon)).toBe(true);
    expect(asar.statFile(archive, addon).unpacked).toBe(true);
    expect(statSync(join(unpackedDir, ...addon.split('/'))).size).toBe(statSync(join(root, addon)).size);
  });

  it("holds better-sqlite3's native module unpacked, and no native module inside the archive", () => {
    const binding = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    expect(has(binding)).toBe(true);
    expect(asar.statFile(archive, binding).unpacked).toBe(true);
    expect(existsSync(join(unpackedDir, ...binding.split('/')))).toBe(true);
    expect(has('node_modules/better-sqlite3/lib/index.js')).toBe(true);
    const packedNative = [...entries].filter((p) => p.endsWith('.node') && !asar.statFile(archive, p).unpacked);
    expect(packedNative).toEqual([]);
  });

  it('ships nothing it should not: sources, tests, benchmarks, test artifacts, archives, build leftovers', () => {
    const all = [...entries];
    const own = all.filter((p) => p !== 'node_modules' && !p.startsWith('node_modules/'));
    expect(new Set(own.map((p) => p.split('/')[0]))).toEqual(new Set(['package.json', 'assets', 'dist']));
    expect(own.filter((p) => /\.[cm]?ts$/.test(p))).toEqual([]);
    expect(own.filter((p) => /\.test\.|(^|\/)(test|tests|__tests__|e2e)(\/|$)/.test(p))).toEqual([]);
    expect(own.filter((p) => /(^|\/)bench(\/|$)/.test(p))).toEqual([]);
    expect(own.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(all.filter((p) => /(^|\/)test-artifacts(\/|$)/.test(p))).toEqual([]);
    expect(all.filter((p) => /\.(sqlite|sqlite3)(-wal|-shm|-journal)?$/.test(p))).toEqual([]);
    // node-gyp's link to the build machine's python, and better-sqlite3's sources and objects
    expect(all.filter((p) => /(^|\/)node_gyp_bins(\/|$)/.test(p))).toEqual([]);
    expect(all.filter((p) => /^node_modules\/better-sqlite3\/(src|deps|build\/deps|build\/Release\/obj)(\/|$)/.test(p))).toEqual([]);
    // no devDependency (e.g. @stdlib/stats-wilcoxon, the tests' reference), at the top or nested
    const dev = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies);
    expect(dev.length).toBeGreaterThan(0);
    expect(dev.filter((d) => all.some((p) => p === `node_modules/${d}` || p.endsWith(`/node_modules/${d}`)))).toEqual([]);
  });

  describe('the extracted package', () => {
    let extracted = '';
    beforeAll(() => {
      extracted = join(tmp, 'extracted');
      // app.asar plus app.asar.unpacked: the tree Electron's fs shows the app
      asar.extractAll(archive, extracted);
    }, 60_000);

    it('resolves every dependency of every packaged package the way Node looks for it', () => {
      const packages = (dir: string, out: string[] = []): string[] => {
        if (!existsSync(dir)) return out;
        for (const name of readdirSync(dir)) {
          if (name.startsWith('.')) continue;
          const names = name.startsWith('@') ? readdirSync(join(dir, name)).map((n) => join(name, n)) : [name];
          for (const n of names) {
            const p = join(dir, n);
            if (!existsSync(join(p, 'package.json'))) continue;
            out.push(p);
            packages(join(p, 'node_modules'), out);
          }
        }
        return out;
      };
      const found = (from: string, dep: string): boolean => {
        for (let d = from; ; d = dirname(d)) {
          if (basename(d) !== 'node_modules' && existsSync(join(d, 'node_modules', dep, 'package.json'))) return true;
          if (d === extracted || dirname(d) === d) return false;
        }
      };
      const unresolved: string[] = [];
      for (const p of [extracted, ...packages(join(extracted, 'node_modules'))]) {
        const pkg = JSON.parse(readFileSync(join(p, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
        // @types/* hold declarations only: electron-builder leaves them out, and nothing loads them
        for (const dep of Object.keys(pkg.dependencies ?? {})) {
          if (!dep.startsWith('@types/') && !found(p, dep)) unresolved.push(`${relative(extracted, p) || '(the app)'} -> ${dep}`);
        }
      }
      expect(unresolved).toEqual([]);
    });

    it('loads in Node as the app does: its files found from packageRoot(), kernels, SQLite, main and worker module graphs', async () => {
      const probe = join(tmp, 'probe.mjs');
      writeFileSync(probe, PROBE);
      const r = await run(process.execPath, [probe, extracted], { cwd: tmp, env: process.env, timeoutMs: 60_000 });
      expect(r.code, r.output.slice(-4000)).toBe(0);
      const out = JSON.parse(r.output.trim().split('\n').pop()!) as Record<string, unknown>;
      const real = realpathSync(extracted);
      expect(realpathSync(out.packageRoot as string)).toBe(real);
      const presets = readdirSync(join(root, 'assets', 'presets')).filter((f) => f.endsWith('.json')).sort();
      expect(out.presets).toEqual(presets);
      expect(realpathSync(out.rendererDir as string)).toBe(join(real, 'dist', 'renderer'));
      expect(out.index).toBe(true);
      const wasm = readdirSync(join(root, 'dist', 'worker', 'wasm')).filter((f) => f.endsWith('.wasm'));
      expect(out.wasm).toEqual(Object.fromEntries(wasm.map((f) => [f.slice(0, -'.wasm'.length), 'ok'])));
      // the native kernels load from the packaged tree wherever this build has them
      if (existsSync(join(root, 'dist', 'worker', 'native', 'quench_kernels.node'))) expect(out.native).toBeNull();
      expect(out.sqlite).toMatch(/^3\./);
      expect(out.service).toBe('ok');
      expect(out.thread).toBe('ok');
      expect(out.preview).toBe('ok');
    }, 90_000);
  });
});
