import { describe, expect, it } from 'vitest';
import { createRng } from '../../../engine/rng.ts';
import { shortestFloat32 } from '../../../engine/formats/float32.ts';
import {
  exportWeights,
  loadWeights,
  parseWeights,
  serializeWeights,
  WEIGHTS_FORMAT,
} from '../../../engine/formats/index.ts';
import type { LayerValues } from '../../../engine/formats/index.ts';
import {
  CREATED_AT,
  expectEngineError,
  xorGraph,
  xorParameters,
  xorPreprocessing,
  xorWeightsText,
} from './helpers.ts';

/** Random float32 values spread over many magnitudes, including subnormals and the extremes. */
function awkwardFloats(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    do bits[i] = (rng.int(0x10000) << 16) | rng.int(0x10000);
    while (!Number.isFinite(out[i]!));
  }
  const special = [3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, 0.1, -0, 1, 0.5];
  out.set(special.slice(0, n));

  return out;
}

function exportXor(parameters: Map<string, LayerValues> = xorParameters()) {
  return exportWeights({
    graph: xorGraph(),
    parameters,
    preprocessing: xorPreprocessing(),
    metadata: { createdAt: CREATED_AT },
  });
}

describe('weights file round trip', () => {
  it('gives back identical float32 values after export → serialize → parse', () => {
    const hidden = { kernel: awkwardFloats(8, 1), bias: awkwardFloats(4, 2) };
    const logit = { kernel: awkwardFloats(4, 3), bias: awkwardFloats(1, 4) };
    const params = new Map([
      ['hidden', hidden],
      ['logit', logit],
    ]);
    const loaded = loadWeights(serializeWeights(exportXor(params)));
    for (const [id, want] of params) {
      const got = loaded.parameters.get(id)!;
      expect(got.kernel).toBeInstanceOf(Float32Array);
      expect(Array.from(got.kernel)).toEqual(Array.from(want.kernel, (v) => v + 0));
      expect(Array.from(got.bias!)).toEqual(Array.from(want.bias, (v) => v + 0));
    }
  });

  it('writes each float32 with the fewest digits that read back exactly', () => {
    const values = awkwardFloats(20_000, 9);
    for (const v of values) {
      const short = shortestFloat32(v);
      expect(Math.fround(short)).toBe(v + 0);
      expect(Number(short.toPrecision(9))).toBe(short);
    }
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32(Math.fround(-1.4749701))).toBe(-1.4749701);
  });

  it('rounds float64 parameters to float32 on export', () => {
    const params = xorParameters();
    const kernel = Float64Array.from({ length: 8 }, (_, i) => Math.PI * (i - 3.3));
    params.set('hidden', { kernel, bias: [0.1, 0.2, 0.3, 0.4] });
    const loaded = loadWeights(serializeWeights(exportXor(params)));
    expect(Array.from(loaded.parameters.get('hidden')!.kernel)).toEqual(Array.from(kernel, Math.fround));
  });

  it('stores nodes in topological order with the input width filled in and editor extras dropped', () => {
    const g = xorGraph();
    const nodes = [g.nodes[3]!, g.nodes[1]!, { ...g.nodes[0]!, label: 'features' } as never, g.nodes[2]!];
    const file = exportWeights({
      graph: { nodes },
      parameters: xorParameters(),
      preprocessing: xorPreprocessing(),
    });
    expect(file.graph.nodes.map((n) => n.id)).toEqual(['in', 'hidden', 'logit', 'out']);
    expect(file.graph.nodes[0]).toEqual({ id: 'in', type: 'input', inputs: [], units: 2 });
    expect(file.format).toBe(WEIGHTS_FORMAT);
    expect(file.metadata.createdBy).toMatch(/^Backprop Studio /);
    expect(Date.parse(file.metadata.createdAt)).not.toBeNaN();
  });

  it('omits bias for useBias: false and loads it as null', () => {
    const g = xorGraph();
    const dense = g.nodes[1]!;
    if (dense.type === 'dense') dense.useBias = false;
    const params = xorParameters();
    params.set('hidden', { kernel: params.get('hidden')!.kernel, bias: null });
    const file = exportWeights({ graph: g, parameters: params, preprocessing: xorPreprocessing() });
    expect('bias' in file.parameters['hidden']!).toBe(false);
    expect(loadWeights(serializeWeights(file)).parameters.get('hidden')!.bias).toBeNull();
  });

  it('serializes stably, one kernel row per line', () => {
    const text = xorWeightsText();
    expect(serializeWeights(parseWeights(text))).toBe(text);
    expect(text).toContain('-1.4749701, -1.4670172, 1.610381, 1.5999138,\n');
    expect(JSON.parse(text)).toEqual(parseWeights(text));
  });

  it('loads a compiled graph ready for inference', () => {
    const loaded = loadWeights(xorWeightsText());
    expect(loaded.compiled.params.map((p) => p.kernel)).toEqual([
      [2, 4],
      [4, 1],
    ]);
    expect(loaded.metadata.training).toEqual({ epochs: 400, loss: 0.006 });
  });
});

describe('export refuses what could not be loaded', () => {
  const withValue = (id: string, tensor: 'kernel' | 'bias', index: number, value: number) => {
    const params = xorParameters();
    const layer = params.get(id)!;
    const copy = Float64Array.from(layer[tensor]!);
    copy[index] = value;
    params.set(id, { ...layer, [tensor]: copy });
    return params;
  };
  const cases = [
    { name: 'NaN in a kernel', id: 'hidden', tensor: 'kernel', index: 5, value: NaN, where: 'kernel[5]' },
    { name: 'Infinity in a bias', id: 'logit', tensor: 'bias', index: 0, value: Infinity, where: 'bias[0]' },
    { name: '-Infinity', id: 'logit', tensor: 'kernel', index: 3, value: -Infinity, where: 'kernel[3]' },
    { name: 'beyond float32', id: 'hidden', tensor: 'bias', index: 2, value: 1e39, where: 'bias[2]' },
  ] as const;
  it.each(cases)(
    '$name → NON_FINITE_EXPORT naming node, tensor and index',
    ({ id, tensor, index, value, where }) => {
      const e = expectEngineError(() => exportXor(withValue(id, tensor, index, value)), 'NON_FINITE_EXPORT', {
        path: `parameters.${id}.${tensor}.data[${index}]`,
        message: where,
        pathInMessage: false,
      });
      expect(e.nodeId).toBe(id);
      expect(e.message).toContain(`"${id}"`);
    },
  );

  it('serializeWeights refuses a non-finite number put into a file by hand', () => {
    const file = exportXor();
    file.parameters['logit']!.bias!.data[0] = NaN;
    expectEngineError(() => serializeWeights(file), 'NON_FINITE_EXPORT', {
      path: 'parameters.logit.bias.data[0]',
    });
  });

  const broken: Array<[string, (p: Map<string, LayerValues>) => void, string]> = [
    ['missing layer', (p) => p.delete('logit'), 'parameters.logit'],
    ['extra layer', (p) => p.set('ghost', p.get('logit')!), 'parameters.ghost'],
    ['short kernel', (p) => p.set('logit', { kernel: [1, 2, 3], bias: [0] }), 'parameters.logit.kernel.data'],
    ['missing bias', (p) => p.set('logit', { kernel: [1, 2, 3, 4], bias: null }), 'parameters.logit.bias'],
  ];
  it.each(broken)('%s → BAD_FILE at %s', (_name, mutate, path) => {
    const params = xorParameters();
    mutate(params);
    expectEngineError(() => exportXor(params), 'BAD_FILE', { path, pathInMessage: false });
  });
});
