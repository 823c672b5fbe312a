/**
 * The image kinds against float64 central differences: conv2d with both paddings, strides 1 and 2,
 * odd sizes (7×5×3 images, 3×3 and 2×3 kernels), the poolings, global pooling and flatten, each in a
 * small network with a loss; and a planted bug in each kind's backward is caught.
 */
import { describe, expect, it } from 'vitest';
import { analyticGradient, compareGradients, numericGradient } from '../../../engine/gradcheck.ts';
import type { Conv2dNode, GraphNode, GraphSpec, Padding } from '../../../engine/graph/types.ts';
import { denseNode, randomSetup } from '../helpers.ts';

const conv = (id: string, input: string, extra: Partial<Conv2dNode> = {}): Conv2dNode => ({
  id,
  type: 'conv2d',
  inputs: [input],
  filters: 2,
  kernelSize: [3, 3],
  strides: [1, 1],
  padding: 'same',
  activation: 'tanh',
  useBias: true,
  kernelInitializer: 'glorot_uniform',
  ...extra,
});

/** 7×5×3 image → the middle nodes → flatten (unless flat already) → dense(3, softmax) → output. */
function network(middle: GraphNode[], flat = false): GraphSpec {
  const last = middle.at(-1)!.id;
  const tail: GraphNode[] = flat ? [] : [{ id: 'flat', type: 'flatten', inputs: [last] }];
  return {
    nodes: [
      { id: 'x', type: 'input', inputs: [], units: 0, shape: [7, 5, 3] },
      ...middle,
      ...tail,
      denseNode('head', flat ? last : 'flat', 3, 'softmax'),
      { id: 'y', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' },
    ],
  };
}

/** The layers whose gradients disagree with central differences (none, for a correct network). */
function failingLayers(graph: GraphSpec, planted?: string, B = 2): string[] {
  const { model, y } = randomSetup(graph, B, 5, 'onehot');
  if (planted) {
    // The planted bug: the node passes no gradient on to its input.
    const s = model.byId.get(planted)!;
    const real = s.backward;
    const x = s.inputs[0]!;
    s.backward = (st, ctx) => {
      const before = x.dOut.slice();
      real(st, ctx);
      x.dOut.set(before);
    };
  }
  const batch = { y, B, seed: 5 };
  const a = analyticGradient(model, batch);
  const n = numericGradient(model, batch);
  return compareGradients(model, a, n)
    .filter((r) => r.failures > 0)
    .map((r) => r.nodeId);
}

function expectGradientsMatch(graph: GraphSpec) {
  expect(failingLayers(graph)).toEqual([]);
}

const CONVS: [string, Partial<Conv2dNode>][] = (['valid', 'same'] as Padding[]).flatMap((padding) =>
  [1, 2].flatMap((s) =>
    (
      [
        [3, 3],
        [2, 3],
      ] as [number, number][]
    ).map((k): [string, Partial<Conv2dNode>] => [
      `${k.join('×')} kernel, strides ${s}, ${padding}`,
      { kernelSize: k, strides: [s, s], padding },
    ]),
  ),
);

describe('image kinds agree with central differences (float64)', () => {
  it.each(CONVS)('conv2d, %s, into a second conv2d', (_name, extra) => {
    const second: Partial<Conv2dNode> = {
      kernelSize: [2, 2],
      strides: [1, 1],
      padding: extra.padding!,
      activation: 'relu',
    };
    expectGradientsMatch(network([conv('c1', 'x', extra), conv('c2', 'c1', second)]));
  });

  it.each([
    ['conv2d without bias, strides [2, 1], elu', { useBias: false, strides: [2, 1], activation: 'elu' }],
    ['conv2d with penalties', { l1: 0.01, l2: 0.02, activation: 'sigmoid' }],
  ] as [string, Partial<Conv2dNode>][])('%s', (_name, extra) => {
    expectGradientsMatch(network([conv('c1', 'x', extra), conv('c2', 'c1', extra)]));
  });

  it.each(
    (['maxpool2d', 'avgpool2d'] as const).flatMap((type) =>
      (['valid', 'same'] as Padding[]).flatMap((padding) =>
        (
          [
            [[2, 2], undefined],
            [
              [3, 2],
              [2, 1],
            ],
            [
              [2, 3],
              [1, 2],
            ],
          ] as [[number, number], [number, number] | undefined][]
        ).map(([poolSize, strides]) => [type, poolSize, strides, padding] as const),
      ),
    ),
  )('%s, pool %j, strides %j, %s', (type, poolSize, strides, padding) => {
    const pool = {
      id: 'p',
      type,
      inputs: ['c1'],
      poolSize,
      padding,
      ...(strides ? { strides } : {}),
    } as GraphNode;
    expectGradientsMatch(network([conv('c1', 'x'), pool]));
  });

  it('global average pooling after a strided conv2d', () => {
    expectGradientsMatch(
      network(
        [
          conv('c1', 'x', { strides: [2, 2], filters: 4 }),
          { id: 'g', type: 'globalavgpool2d', inputs: ['c1'] },
        ],
        true,
      ),
    );
  });

  it('reshape: a dense layer laid out as an image, and an image laid out flat', () => {
    expectGradientsMatch({
      nodes: [
        { id: 'x', type: 'input', inputs: [], units: 5 },
        denseNode('d', 'x', 24, 'tanh'),
        { id: 'r', type: 'reshape', inputs: ['d'], targetShape: [2, -1, 3] },
        conv('c', 'r', { kernelSize: [2, 3] }),
        { id: 'back', type: 'reshape', inputs: ['c'], targetShape: [-1] },
        denseNode('head', 'back', 3, 'softmax'),
        { id: 'y', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' },
      ],
    });
  });

  it('an activation, dropout and add on images, then flatten', () => {
    expectGradientsMatch(
      network([
        conv('c1', 'x', { activation: 'linear' }),
        { id: 'a', type: 'activation', inputs: ['c1'], activation: 'softplus' },
        { id: 'd', type: 'dropout', inputs: ['a'], rate: 0.3 },
        conv('c2', 'd'),
        { id: 'sum', type: 'add', inputs: ['c2', 'a'] },
      ]),
    );
  });
});

describe('the check catches an image kind that passes no gradient on', () => {
  const pool = (type: 'maxpool2d' | 'avgpool2d'): GraphNode => ({
    id: 'k',
    type,
    inputs: ['c1'],
    poolSize: [2, 2],
    padding: 'same',
  });
  it.each([
    ['conv2d', [conv('c1', 'x'), conv('k', 'c1')], false],
    ['maxpool2d', [conv('c1', 'x'), pool('maxpool2d')], false],
    ['avgpool2d', [conv('c1', 'x'), pool('avgpool2d')], false],
    ['globalavgpool2d', [conv('c1', 'x'), { id: 'k', type: 'globalavgpool2d', inputs: ['c1'] }], true],
    ['flatten', [conv('c1', 'x'), { id: 'k', type: 'flatten', inputs: ['c1'] }], true],
    ['reshape', [conv('c1', 'x'), { id: 'k', type: 'reshape', inputs: ['c1'], targetShape: [-1] }], true],
  ] as [string, GraphNode[], boolean][])('%s', (_type, middle, flat) => {
    expect(failingLayers(network(middle, flat))).toEqual([]);
    expect(failingLayers(network(middle, flat), 'k')).toContain('c1');
  });
});
