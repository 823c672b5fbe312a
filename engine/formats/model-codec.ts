/**
 * Between the engine's parameters (typed arrays by dense node id) and their stored form
 * ({shape, data} with float32 values as short JSON numbers, Keras layout [nIn, units]).
 */
import { inputWidth } from '../data/types.ts';
import type { Preprocessing } from '../data/types.ts';
import { fail } from '../errors.ts';
import { compileGraph } from '../graph/compile.ts';
import type { CompiledGraph } from '../graph/compile.ts';
import type { GraphNode, GraphSpec } from '../graph/types.ts';
import { encodeFloat32 } from './float32.ts';
import { formatPath } from './issues.ts';
import type { StoredLayer } from './schema-model.ts';

/**
 * Parameter values of one layer as the engine holds them: kernel row-major [nIn, units]; a batchnorm's
 * moving statistics too (present exactly for batchnorm nodes).
 */
export interface LayerValues {
  kernel: ArrayLike<number>;
  bias: ArrayLike<number> | null;
  movingMean?: ArrayLike<number>;
  movingVariance?: ArrayLike<number>;
}

/** Parameters after loading: float32, keyed by parameterised node id. */
export type LoadedParameters = Map<
  string,
  {
    kernel: Float32Array;
    bias: Float32Array | null;
    movingMean?: Float32Array;
    movingVariance?: Float32Array;
  }
>;

const FIELDS: Record<GraphNode['type'], readonly string[]> = {
  input: ['units', 'shape'],
  dense: ['units', 'activation', 'alpha', 'useBias', 'kernelInitializer', 'l1', 'l2'],
  activation: ['activation', 'alpha'],
  add: [],
  concatenate: [],
  dropout: ['rate'],
  conv2d: [
    'filters',
    'kernelSize',
    'strides',
    'padding',
    'activation',
    'alpha',
    'useBias',
    'kernelInitializer',
    'l1',
    'l2',
  ],
  maxpool2d: ['poolSize', 'strides', 'padding'],
  avgpool2d: ['poolSize', 'strides', 'padding'],
  globalavgpool2d: [],
  flatten: [],
  reshape: ['targetShape'],
  batchnorm: ['momentum', 'epsilon', 'center', 'scale'],
  output: ['loss'],
};

/** A copy of `n` with exactly the fields a file stores (editor-only extras dropped, undefined left out). */
export function storedNode(n: GraphNode): GraphNode {
  const out: Record<string, unknown> = { id: n.id, type: n.type, inputs: [...n.inputs] };
  for (const f of FIELDS[n.type] ?? []) {
    const v = (n as unknown as Record<string, unknown>)[f];
    if (v !== undefined) out[f] = v;
  }
  return out as unknown as GraphNode;
}

/**
 * Compiles `graph` for `pre` and encodes `parameters`, which must hold exactly the dense layers with
 * kernels of nIn·units values and biases of units values (null when useBias is false). Throws
 * NON_FINITE_EXPORT naming the node, tensor and index of a NaN or infinite value.
 */
export function encodeModel(
  graph: GraphSpec,
  parameters: ReadonlyMap<string, LayerValues>,
  pre: Preprocessing,
  base: string,
): { compiled: CompiledGraph; parameters: Record<string, StoredLayer> } {
  const compiled = compileGraph(graph, { inputWidth: inputWidth(pre) });
  const stored: Record<string, StoredLayer> = {};
  for (const p of compiled.params) {
    const values = parameters.get(p.nodeId);
    const path = (...rest: PropertyKey[]) => formatPath([...base.split('.'), p.nodeId, ...rest]);
    if (values === undefined)
      fail('BAD_FILE', 'file.noParameters', { id: p.nodeId }, { nodeId: p.nodeId, path: path() });
    const encode = (
      tensor: 'kernel' | 'bias' | 'movingMean' | 'movingVariance',
      data: ArrayLike<number>,
      shape: number[],
    ) => {
      const size = shape.reduce((a, b) => a * b, 1);
      if (data.length !== size)
        fail(
          'BAD_FILE',
          'file.tensorLength',
          { tensor, id: p.nodeId, count: data.length, shape: `[${shape.join(', ')}]`, size },
          { nodeId: p.nodeId, path: path(tensor, 'data') },
        );
      const numbers = encodeFloat32(data, (i, v) => {
        const where =
          tensor === 'kernel'
            ? {
                key: 'file.kernelCell',
                params: { input: Math.floor(i / p.kernel[1]), unit: i % p.kernel[1] },
              }
            : '';
        return fail(
          'NON_FINITE_EXPORT',
          'file.nonFiniteExport',
          { tensor, i, where, id: p.nodeId, value: String(v) },
          { nodeId: p.nodeId, path: path(tensor, 'data', i) },
        );
      });
      return { shape: [...shape], data: numbers };
    };
    const kernel = encode('kernel', values.kernel, p.stored) as StoredLayer['kernel'];
    if (p.bias === null && values.bias !== null)
      fail('BAD_FILE', 'file.biasGiven', { id: p.nodeId }, { nodeId: p.nodeId, path: path('bias') });
    if (p.bias !== null && values.bias === null)
      fail('BAD_FILE', 'file.biasMissing', { id: p.nodeId }, { nodeId: p.nodeId, path: path('bias') });
    const layer: StoredLayer =
      p.bias === null || values.bias === null
        ? { kernel }
        : { kernel, bias: encode('bias', values.bias, p.bias) as NonNullable<StoredLayer['bias']> };
    if (p.moving !== null) {
      const { movingMean, movingVariance } = values;
      if (!movingMean || !movingVariance)
        fail(
          'BAD_FILE',
          'file.movingMissing',
          { id: p.nodeId },
          { nodeId: p.nodeId, path: path('movingMean') },
        );
      layer.movingMean = encode('movingMean', movingMean, p.moving) as NonNullable<StoredLayer['movingMean']>;
      layer.movingVariance = encode('movingVariance', movingVariance, p.moving) as NonNullable<
        StoredLayer['movingVariance']
      >;
    }
    stored[p.nodeId] = layer;
  }
  for (const id of parameters.keys())
    if (!Object.hasOwn(stored, id))
      fail('BAD_FILE', 'file.parametersForUnknown', { id }, { path: formatPath([...base.split('.'), id]) });
  return { compiled, parameters: stored };
}

/** Float32 arrays of validated stored parameters (allocates only after every shape has been checked). */
export function decodeParameters(parameters: Record<string, StoredLayer>): LoadedParameters {
  const out: LoadedParameters = new Map();
  for (const [id, layer] of Object.entries(parameters))
    out.set(id, {
      kernel: Float32Array.from(layer.kernel.data),
      bias: layer.bias === undefined ? null : Float32Array.from(layer.bias.data),
      ...(layer.movingMean && layer.movingVariance
        ? {
            movingMean: Float32Array.from(layer.movingMean.data),
            movingVariance: Float32Array.from(layer.movingVariance.data),
          }
        : {}),
    });
  return out;
}
