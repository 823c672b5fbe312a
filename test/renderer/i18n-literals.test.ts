/**
 * No words written into a component: every text a person reads comes from the catalogue. Each
 * .svelte file under renderer/src is parsed (svelte/compiler, modern AST) and its template walked:
 * text with words outside {expressions}, and static words in title, aria-label, placeholder, alt and
 * label attributes, are violations. Symbols, punctuation and single-letter math variables (z, a, ∂L/∂W)
 * are fine, and so is anything inside a `.formula` element or a <sub> (formulas are language-neutral).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'renderer/src');
const READ_ATTRIBUTES = new Set([
  'title',
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'placeholder',
  'alt',
  'label',
]);

/** A word: two Latin letters in a row, or any CJK character. */
function hasWords(text: string): boolean {
  return /\p{Script=Latin}{2,}|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(
    text,
  );
}

function components(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? components(join(dir, d.name)) : d.name.endsWith('.svelte') ? [join(dir, d.name)] : [],
  );
}

interface AstNode {
  type: string;
  name?: string;
  data?: string;
  start: number;
  attributes?: AstNode[];
  value?: true | AstNode | AstNode[];
  [key: string]: unknown;
}

const isNode = (v: unknown): v is AstNode =>
  typeof v === 'object' && v !== null && typeof (v as AstNode).type === 'string';

/** The static class names of an element (`class="formula muted"`). */
function classes(node: AstNode): string[] {
  const a = node.attributes?.find((x) => x.type === 'Attribute' && x.name === 'class');
  const parts = Array.isArray(a?.value) ? a.value : [];
  return parts.flatMap((p) => (p.type === 'Text' ? (p.data ?? '').split(/\s+/) : []));
}

function violations(source: string): string[] {
  const ast = parse(source, { modern: true });
  const found: string[] = [];
  const line = (at: number) => source.slice(0, at).split('\n').length;
  const visit = (node: unknown, math: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, math));
    if (!isNode(node)) return;
    if (node.type === 'Text') {
      if (!math && hasWords(node.data ?? ''))
        found.push(`${line(node.start)}: text “${(node.data ?? '').trim()}”`);
      return;
    }
    if (node.type === 'Attribute') {
      if (node.name && READ_ATTRIBUTES.has(node.name) && Array.isArray(node.value))
        for (const part of node.value)
          if (part.type === 'Text' && hasWords(part.data ?? ''))
            found.push(`${line(part.start)}: ${node.name}="${part.data}"`);
      return;
    }
    const inMath = math || node.name === 'sub' || node.name === 'sup' || classes(node).includes('formula');
    for (const [key, value] of Object.entries(node)) {
      if (key === 'expression' || key === 'metadata' || key === 'attributes') continue;
      visit(value, inMath);
    }
    node.attributes?.forEach((a) => visit(a, inMath));
  };
  visit(ast.fragment, false);
  return found;
}

describe('components have no literal user-facing text', () => {
  it('knows words from symbols', () => {
    expect(['Save', '保存', ' Loss on this sample', 'px'].map(hasWords)).not.toContain(false);
    expect(['×', '· ', '▶', '—', '↶', '∂L/∂W', 'a', ' = ', '(z', '%', '●', '■ '].map(hasWords)).not.toContain(
      true,
    );
    expect(violations('<p title="Fit the view">{x}</p>')).toEqual(['1: title="Fit the view"']);
    expect(violations('<p class="formula">mask = [{m}]</p><p>x<sub>ij</sub></p>')).toEqual([]);
    expect(
      violations('<p data-testid="save-me" class="big">{t("a")}</p><style>p { width: 1px; }</style>'),
    ).toEqual([]);
    expect(violations('{#if a}<b>Hello</b>{:else}<i aria-label="你好">…</i>{/if}')).toEqual([
      '1: text “Hello”',
      '1: aria-label="你好"',
    ]);
  });

  const files = components(SRC);
  it.each(files.map((f) => [relative(SRC, f), f]))('%s', (_name, file) => {
    expect(violations(readFileSync(file, 'utf8'))).toEqual([]);
  });
});
