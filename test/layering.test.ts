// The layers, enforced: what each top folder's sources may import of the project.
//
//   common/        the contract shared by all: nothing of the project outside common/ (packages such as zod are fine)
//   worker/        the pure engine: worker/ and common/ only
//   db/            the archive: anything but main/ (in practice db/, common/ and worker/)
//   renderer/src/  the Svelte app: renderer/ and common/ only, with the exceptions listed in RENDERER_EXCEPTIONS
//   main/          wires the layers together: not checked
//
// Tests (*.test.ts and their helpers under test/), fixtures and bench/ may cross layers: a test drives
// a layer from outside, a benchmark times one. They are not checked.
//
// Every import form is read from the TypeScript syntax tree (so a commented-out import does not count):
// `import … from`, `import type`, `export … from`, dynamic `import('…')`, `import('…')` types,
// `import x = require('…')`, and `createRequire(…)('…')` with a literal. Only relative specifiers name
// project files; bare ones (zod, node:fs, gpu.js) are packages.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Project files the renderer's sources may import although they live outside renderer/ and common/.
 * worker/backends/gpujs-rate.ts: the gpu.js kernels of the rate model. The GPU host page
 * (renderer/src/gpu-host/) runs them on the browser's WebGL2 for the gpujs-webgl backend, and the
 * Node backend (worker/backends/gpujs.ts) runs the same module on headless GL: one source, so the
 * two compute the same thing. It needs nothing of Node (pure worker/ and common/ code; gpu.js is
 * handed in), so it bundles into the page.
 */
const RENDERER_EXCEPTIONS: readonly string[] = ['worker/backends/gpujs-rate.ts'];

interface Source {
  /** relative to the repository root, with forward slashes */
  path: string;
  text: string;
}

interface Import {
  line: number;
  specifier: string;
}

interface Violation {
  file: string;
  line: number;
  specifier: string;
  /** the project file it names, relative to the root */
  target: string;
  rule: string;
}

interface Rule {
  layer: string;
  /** a reading of the rule for the failure message */
  says: string;
  allows(target: string): boolean;
}

const under = (path: string, folder: string) => path.startsWith(`${folder}/`);

// checked in order; the first whose layer holds the importing file applies
const RULES: readonly Rule[] = [
  { layer: 'common', says: 'common/ imports nothing of the project outside common/', allows: (t) => under(t, 'common') },
  { layer: 'worker', says: 'worker/ imports only worker/ and common/', allows: (t) => under(t, 'worker') || under(t, 'common') },
  { layer: 'db', says: 'db/ imports only db/, common/ and worker/ (never main/)', allows: (t) => under(t, 'db') || under(t, 'common') || under(t, 'worker') },
  {
    layer: 'renderer/src',
    says: `renderer/src/ imports only renderer/ and common/ (and ${RENDERER_EXCEPTIONS.join(', ')})`,
    allows: (t) => under(t, 'renderer') || under(t, 'common') || RENDERER_EXCEPTIONS.includes(t),
  },
];

const isTest = (path: string) => /\.test\.[cm]?ts$/.test(path);

/** The imports of one TypeScript (or JavaScript) text, with their 1-based lines, offset by `firstLine - 1`. */
function scriptImports(fileName: string, text: string, firstLine = 1): Import[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const add = (node: ts.Node | undefined) => {
    if (node && ts.isStringLiteralLike(node)) {
      found.push({ line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + firstLine, specifier: node.text });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      // import('…')
      if (callee.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
      // createRequire(import.meta.url)('…')
      if (ts.isCallExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'createRequire') add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The imports of a source file; for a .svelte component, those of its <script> blocks. */
function importsOf(file: Source): Import[] {
  if (!file.path.endsWith('.svelte')) return scriptImports(file.path, file.text);
  const found: Import[] = [];
  for (const m of file.text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    const start = m.index + m[0].indexOf('>') + 1;
    const firstLine = file.text.slice(0, start).split('\n').length;
    found.push(...scriptImports(`${file.path}.ts`, m[1]!, firstLine));
  }
  return found;
}

/** The project file a relative specifier names (relative to the root; `.js` read as the `.ts` it is compiled from), or null for a package. */
function targetOf(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const path = posix.normalize(posix.join(posix.dirname(file), specifier.replace(/\?.*$/, '')));
  return path.replace(/\.js$/, '.ts');
}

function violations(files: readonly Source[]): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    if (isTest(file.path)) continue;
    const rule = RULES.find((r) => under(file.path, r.layer));
    if (!rule) continue;
    for (const { line, specifier } of importsOf(file)) {
      const target = targetOf(file.path, specifier);
      if (target !== null && !rule.allows(target)) out.push({ file: file.path, line, specifier, target, rule: rule.says });
    }
  }
  return out;
}

const describeViolation = (v: Violation) => `${v.file}:${v.line} imports '${v.specifier}' (${v.target}): ${v.rule}`;

const SKIP_DIRS = new Set(['node_modules', 'dist', 'fixtures', 'test-artifacts']);
const SOURCE = /\.(ts|cts|mts|js|cjs|mjs|svelte)$/;

/** Every non-test source file of the repository (no dependencies, build outputs, fixtures or dot-folders). */
function projectSources(dir = ROOT): Source[] {
  const files: Source[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name)) files.push(...projectSources(full));
    } else if (entry.isFile() && SOURCE.test(entry.name) && !isTest(entry.name)) {
      files.push({ path: relative(ROOT, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  }
  return files;
}

describe('layering', () => {
  it('no source imports across the layers', () => {
    const files = projectSources();
    // the scan saw every checked layer (a wrong root or filter would pass vacuously)
    for (const rule of RULES) expect(files.some((f) => under(f.path, rule.layer)), rule.layer).toBe(true);
    expect(violations(files).map(describeViolation)).toEqual([]);
  });

  it('the checker reports one violation of each rule, in every import form, and nothing allowed', () => {
    const fake: Source[] = [
      // each rule broken once, each in another import form
      { path: 'common/api.ts', text: "import { z } from 'zod';\nimport type { RunRow } from './archive-types.js';\nexport type { RunRow as Row } from '../db/archive.js';\n" },
      { path: 'worker/run.ts', text: "import type { RunSpec } from '../common/results.js';\nimport { x } from './types.js';\n\nconst plan = await import('../main/plan.js');\n" },
      {
        path: 'db/archive.ts',
        text: "import { createRequire } from 'node:module';\nimport type { TaskDef } from '../worker/types.js';\n// import { paths } from '../main/paths.js';\nconst p = createRequire(import.meta.url)('../main/paths.js');\n",
      },
      {
        path: 'renderer/src/views/RunsView.svelte',
        text: '<script lang="ts">\n  import type { RunRow } from \'../api/types.js\';\n  import { simulateRateOnGpu } from \'../../../worker/backends/gpujs-rate.js\';\n  import { runOne } from \'../../../worker/run.js\';\n</script>\n\n<p>import x from \'../../../main/cli.js\'</p>\n',
      },
      // a type-only `import('…')` counts as well
      { path: 'renderer/src/lib/store.svelte.ts', text: "let rows: import('../../../db/archive.js').RunRow[] = $state([]);\n" },
      // allowed: main, tests and bench cross layers
      { path: 'main/service.ts', text: "import { Archive } from '../db/archive.js';\nimport { x } from '../renderer/src/api/http.js';\n" },
      { path: 'db/archive.test.ts', text: "import { service } from '../main/service.js';\n" },
      { path: 'bench/run.ts', text: "import { service } from '../main/service.js';\n" },
    ];
    expect(violations(fake).map((v) => `${v.file}:${v.line} ${v.specifier}`)).toEqual([
      'common/api.ts:3 ../db/archive.js',
      'worker/run.ts:4 ../main/plan.js',
      'db/archive.ts:4 ../main/paths.js',
      'renderer/src/views/RunsView.svelte:4 ../../../worker/run.js',
      'renderer/src/lib/store.svelte.ts:1 ../../../db/archive.js',
    ]);
    expect(describeViolation(violations(fake)[0]!)).toBe(
      "common/api.ts:3 imports '../db/archive.js' (db/archive.ts): common/ imports nothing of the project outside common/",
    );
  });
});
