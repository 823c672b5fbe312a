/**
 * The import rules of docs/architecture.md, checked on every source file: which part may import
 * which, and that no chain of imports (type-only ones included) leads back to where it started.
 * There are no exceptions: a rule holds for every file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? d.name === 'node_modules'
        ? []
        : files(join(dir, d.name))
      : /\.(ts|mts|svelte)$/.test(d.name) && !d.name.endsWith('.d.ts')
        ? [join(dir, d.name)]
        : [],
  );
}

/** Every module a file names: static and dynamic imports, re-exports, `new URL('…', import.meta.url)`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+|new URL\(\s*)['"]([^'"]+)['"]/gm;

interface Edge {
  from: string;
  /** A path from the repository root for relative imports, else the package name. */
  to: string;
}

function importsOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(SPECIFIER)].map((m) => {
    const spec = m[1]!;
    const to = spec.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec)) : spec;
    return { from: file, to };
  });
}

const FILES = ['engine', 'electron', 'renderer/src'].flatMap(files);
const EDGES = FILES.flatMap(importsOf);
const under = (path: string, ...dirs: string[]) => dirs.some((d) => path === d || path.startsWith(`${d}/`));
/** The engine's entry points that know where they run; everything else in engine/ is its core. */
const isHostOrCli = (f: string) => under(f, 'engine/host', 'engine/cli');
const isEngineCore = (f: string) => under(f, 'engine') && !isHostOrCli(f);
const isSessionOrApi = (f: string) => under(f, 'engine/session') || f === 'engine/api.ts';

interface Rule {
  name: string;
  /** True when the edge breaks the rule. */
  breaks: (e: Edge) => boolean;
}

const RULES: Rule[] = [
  {
    name: 'engine/ imports nothing from renderer/ or electron/',
    breaks: (e) => under(e.from, 'engine') && (under(e.to, 'renderer') || e.to.startsWith('electron/')),
  },
  {
    name: "the engine's core imports no Node, Electron, DOM-framework or host module (it runs in a worker, a test, a browser)",
    breaks: (e) =>
      isEngineCore(e.from) &&
      (/^(node:|comlink$|electron$|svelte|@xyflow|chart\.js)/.test(e.to) || isHostOrCli(e.to)),
  },
  {
    name: "the engine's core (layers, model, graph, kernels, training, data, formats, explain) imports no session or API module",
    breaks: (e) => isEngineCore(e.from) && !isSessionOrApi(e.from) && isSessionOrApi(e.to),
  },
  {
    name: 'only the CLI imports the CLI',
    breaks: (e) => under(e.to, 'engine/cli') && !under(e.from, 'engine/cli'),
  },
  {
    name: 'electron/ imports nothing from renderer/ (the desktop contract is the one shared module)',
    breaks: (e) => under(e.from, 'electron') && under(e.to, 'renderer'),
  },
  {
    name: 'renderer/ imports from electron/ only the desktop contract',
    breaks: (e) =>
      under(e.from, 'renderer') && under(e.to, 'electron') && !/^electron\/contract(\.ts)?$/.test(e.to),
  },
  {
    name: 'the desktop contract stands alone: no Node, Electron or zod, nothing else of electron/ (the preload and the window bundle it)',
    breaks: (e) =>
      e.from === 'electron/contract.ts' &&
      (/^(node:|electron$|zod$)/.test(e.to) || (under(e.to, 'electron') && e.to !== e.from)),
  },
  {
    name: 'renderer/ reaches the engine host only through its client and worker entry',
    breaks: (e) =>
      under(e.from, 'renderer') &&
      under(e.to, 'engine/host') &&
      !['engine/host/client.ts', 'engine/host/web-worker.ts', 'engine/host/exit-reason.ts'].includes(e.to),
  },
  {
    name: "where the window runs is the platform's: only renderer/src/platform/ starts the engine's worker",
    breaks: (e) =>
      under(e.from, 'renderer') &&
      !under(e.from, 'renderer/src/platform') &&
      e.to === 'engine/host/web-worker.ts',
  },
];

/** Words only the platform's implementations may use: the desktop bridge, and the browser's stores. */
const PLATFORM_WORDS: [RegExp, string][] = [
  [/\bbackpropDesktop\b/, 'renderer/src/platform/desktop.ts'],
  [/\bindexedDB\b/, 'renderer/src/platform/browser.ts'],
];

const label = (e: Edge) => `${e.from} -> ${e.to}`;

/** The project file an import names (its query such as `?modulePath` dropped), or null for a package. */
function target(to: string, known: ReadonlySet<string>): string | null {
  const path = to.split('?')[0]!;
  return [path, `${path}.ts`, `${path}/index.ts`].find((p) => known.has(p)) ?? null;
}

/**
 * Every import cycle among `files`: each strongly connected component of more than one module (or a
 * module importing itself), as its modules in a cycle through them, sorted (Tarjan's algorithm).
 */
function importCycles(files: readonly string[], edges: readonly Edge[]): string[][] {
  const known = new Set(files);
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) {
    const to = target(e.to, known);
    if (to && next.has(e.from)) next.get(e.from)!.push(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || next.get(v)!.includes(v)) cycles.push(component.sort());
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return cycles;
}

describe('architecture', () => {
  it('finds the imports it checks', () => {
    expect(EDGES.length).toBeGreaterThan(300);
    expect(EDGES).toContainEqual({ from: 'engine/model/model.ts', to: 'engine/layers/registry.ts' });
  });

  it.each(RULES.map((r) => [r.name, r] as const))('%s', (_, rule) => {
    expect(EDGES.filter(rule.breaks).map(label)).toEqual([]);
  });

  it.each(['engine', 'electron', 'renderer/src'])('no import cycle among the modules of %s/', (dir) => {
    expect(importCycles(FILES, EDGES).filter((c) => c.some((f) => under(f, dir)))).toEqual([]);
  });

  it.each(PLATFORM_WORDS)(
    '%s is used only in %s: the window asks nowhere else where it runs',
    (word, owner) => {
      const users = FILES.filter(
        (f) => under(f, 'renderer') && word.test(readFileSync(join(ROOT, f), 'utf8')),
      );
      expect(users).toEqual([owner]);
    },
  );

  it('finds a planted import cycle, type-only imports included', () => {
    // api.ts imports errors.ts for types only; errors.ts importing api.ts back closes a loop.
    expect(importsOf('engine/api.ts')).toContainEqual({ from: 'engine/api.ts', to: 'engine/errors.ts' });
    const planted: Edge = { from: 'engine/errors.ts', to: 'engine/api' };
    const cycles = importCycles(FILES, [...EDGES, planted]);
    expect(cycles.some((c) => c.includes('engine/api.ts') && c.includes('engine/errors.ts'))).toBe(true);
    expect(importCycles(FILES, EDGES)).toEqual([]);
  });

  it('catches a planted breach', () => {
    const planted: Edge = { from: 'engine/layers/dense.ts', to: 'renderer/src/lib/blocks.ts' };
    expect(RULES.filter((r) => r.breaks(planted)).map((r) => r.name)).toHaveLength(1);
    const electron: Edge = { from: 'electron/main.ts', to: 'renderer/src/lib/format.ts' };
    expect(RULES.some((r) => r.breaks(electron))).toBe(true);
    const host: Edge = { from: 'engine/model/run.ts', to: 'node:fs' };
    expect(RULES.some((r) => r.breaks(host))).toBe(true);
    // The window may import the desktop contract and nothing else of the desktop's.
    const contract: Edge = { from: 'renderer/src/platform/desktop.ts', to: 'electron/contract.ts' };
    expect(RULES.some((r) => r.breaks(contract))).toBe(false);
    const ipc: Edge = { from: 'renderer/src/platform/desktop.ts', to: 'electron/ipc.ts' };
    expect(RULES.some((r) => r.breaks(ipc))).toBe(true);
    const worker: Edge = { from: 'renderer/src/state/app.svelte.ts', to: 'engine/host/web-worker.ts' };
    expect(RULES.some((r) => r.breaks(worker))).toBe(true);
    const node: Edge = { from: 'electron/contract.ts', to: 'node:path' };
    expect(RULES.some((r) => r.breaks(node))).toBe(true);
  });
});
