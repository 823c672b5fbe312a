import { afterEach, describe, expect, it } from 'vitest';
import { loadWeights, parseProject, parseWeights } from '../../../engine/formats/index.ts';
import { createProject } from '../../../engine/formats/index.ts';
import { DEFAULT_TRAINING } from '../../../engine/train/config.ts';
import { expectEngineError, xorGraph, xorWeightsJson, xorWeightsText } from './helpers.ts';

const polluted = () => ({}) as Record<string, unknown>;

afterEach(() => {
  expect(polluted()['polluted']).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
});

/** Inserts `"key": value` as the first field of the object that starts at `anchor` in the XOR file text. */
const inject = (anchor: string, key: string, value: string) =>
  xorWeightsText().replace(anchor, `${anchor} ${key}: ${value},`);

describe('hostile keys', () => {
  const evil = '{ "polluted": true }';
  const cases: Array<[string, string, string]> = [
    ['__proto__ at the top', inject('{', '"__proto__"', evil), '__proto__'],
    ['__proto__ written with an escape', inject('{', '"\\u005f_proto__"', evil), '__proto__'],
    ['__proto__ in a node', inject('"id": "hidden",', '"__proto__"', evil), 'graph.nodes[1].__proto__'],
    ['__proto__ as a parameters key', inject('"parameters": {', '"__proto__"', evil), 'parameters.__proto__'],
    ['__proto__ in a tensor', inject('"bias": {', '"__proto__"', evil), 'parameters.hidden.bias.__proto__'],
    [
      'constructor as a parameters key',
      inject('"parameters": {', '"constructor"', '{ "kernel": { "shape": [1, 1], "data": [1] } }'),
      'parameters.constructor',
    ],
    ['prototype as a node field', inject('"id": "hidden",', '"prototype"', evil), 'graph.nodes[1].prototype'],
  ];
  it.each(cases)('%s is refused', (_name, text, path) => {
    expect(text).not.toBe(xorWeightsText());
    expectEngineError(() => parseWeights(text), 'BAD_FILE', { path });
    expectEngineError(() => loadWeights(text), 'BAD_FILE', { path });
  });

  it('refuses __proto__ in a project file', () => {
    const text = `{"__proto__": {"polluted": true}, "format": "backprop-studio/project", "version": 1}`;
    expectEngineError(() => parseProject(text), 'BAD_FILE', { path: '__proto__' });
  });

  it('a node may be called "constructor": ids only ever key own properties', () => {
    const f = xorWeightsJson();
    const text = JSON.stringify(f).replaceAll('"hidden"', '"constructor"');
    const loaded = loadWeights(text);
    expect(loaded.parameters.get('constructor')!.kernel).toHaveLength(8);
    expect(Object.getPrototypeOf(parseWeights(text).parameters)).toBe(Object.prototype);
  });

  it('refuses __proto__ as a node id before it can become a key', () => {
    const graph = xorGraph();
    graph.nodes[3]!.id = '__proto__';
    expectEngineError(
      () =>
        createProject({ name: 'p', graph, training: DEFAULT_TRAINING, createdAt: '2025-01-01T00:00:00Z' }),
      'BAD_FILE',
      { path: 'graph.nodes[3].id', message: 'reserved' },
    );
  });
});
