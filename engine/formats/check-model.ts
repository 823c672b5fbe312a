/**
 * What the schemas cannot see: a stored model must be consistent. The graph compiles, its input width is
 * the preprocessing's feature width, its output fits the target, and every dense node has exactly the
 * tensors its compiled shapes call for (checked from shapes alone, before any typed array exists).
 */
import { inputWidth } from '../data/types.ts';
import type { Preprocessing } from '../data/types.ts';
import { EngineError, fail } from '../errors.ts';
import { compileGraph } from '../graph/compile.ts';
import type { CompiledGraph } from '../graph/compile.ts';
import type { GraphNode } from '../graph/types.ts';
import type { MessageParam } from '../i18n.ts';
import { formatPath } from './issues.ts';
import { FILE_LIMITS } from './limits.ts';
import type { StoredLayer } from './schema-model.ts';

/** Where each part lives in the file, for error paths (`graph.nodes`, `weights.parameters`, …). */
export interface ModelPaths {
  nodes: string;
  parameters: string;
  preprocessing: string;
}

const at = (base: string, ...rest: PropertyKey[]) => formatPath([...base.split('.'), ...rest]);

/**
 * Compiles `nodes` against `pre` and checks `parameters`; throws EngineError. With `ordered`, nodes must
 * also be in topological order (weights files promise it; project files keep the editor's order).
 */
export function checkModel(
  nodes: GraphNode[],
  parameters: Record<string, StoredLayer>,
  pre: Preprocessing,
  where: ModelPaths,
  ordered: boolean,
): CompiledGraph {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  if (ordered)
    nodes.forEach((n, i) => {
      for (const src of n.inputs)
        if ((index.get(src) ?? -1) >= i)
          fail(
            'BAD_FILE',
            'file.notTopological',
            { path: at(where.nodes, i), id: n.id, src },
            { path: at(where.nodes, i), nodeId: n.id },
          );
    });
  const nIn = inputWidth(pre);
  const input = nodes.find((n) => n.type === 'input');
  if (input !== undefined && input.units !== 0 && input.units !== nIn) {
    const parts = pre.features.map((f) => `${f.name}: ${f.kind === 'numeric' ? 1 : f.categories.length}`);
    fail(
      'INPUT_WIDTH_MISMATCH',
      'file.inputWidth',
      {
        path: at(where.preprocessing, 'features'),
        id: input.id,
        units: input.units,
        nIn,
        parts, // a list: joined in the reader's language
      },
      { path: at(where.preprocessing, 'features'), nodeId: input.id },
    );
  }
  let compiled: CompiledGraph;
  try {
    compiled = compileGraph({ nodes }, { inputWidth: nIn });
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    const i = e.nodeId === undefined ? undefined : index.get(e.nodeId);
    const path = i === undefined ? where.nodes.replace(/\.nodes$/, '') : at(where.nodes, i);
    const inner: MessageParam = e.key !== undefined ? { key: e.key, params: e.params ?? {} } : e.message;
    throw new EngineError({
      ...e.toInfo(),
      key: 'file.atPath',
      params: { path, problem: inner },
      message: `${path}: ${e.message}`,
      path,
    });
  }
  checkOutput(compiled, nodes, pre, where);
  if (compiled.paramCount > FILE_LIMITS.parameters)
    fail(
      'TOO_LARGE',
      'file.tooManyParams',
      { path: where.nodes, params: compiled.paramCount, max: FILE_LIMITS.parameters },
      { path: where.nodes },
    );
  checkParameters(compiled, parameters, where.parameters);
  return compiled;
}

function checkOutput(
  compiled: CompiledGraph,
  nodes: GraphNode[],
  pre: Preprocessing,
  where: ModelPaths,
): void {
  const out = nodes.find((n) => n.id === compiled.outputId);
  const width = compiled.width.get(compiled.outputId)!;
  const t = pre.target;
  const path = at(where.preprocessing, 'target');
  const loss = out?.type === 'output' ? out.loss : 'mse';
  if (t.task === 'regression') {
    if (width !== 1)
      fail(
        'OUTPUT_WIDTH_MISMATCH',
        'file.regressionWidth',
        { path, width, target: t.name },
        { path, nodeId: compiled.outputId },
      );
    if (loss === 'binary_crossentropy' || loss === 'categorical_crossentropy')
      fail('BAD_TARGET', 'file.regressionLoss', { path, target: t.name, loss }, { path });
    return;
  }
  const k = t.classes.length;
  const binary = k === 2 && width === 1 && loss === 'binary_crossentropy';
  if (width !== k && !binary)
    fail(
      'OUTPUT_WIDTH_MISMATCH',
      'file.classWidth',
      { path, width, target: t.name, k },
      { path, nodeId: compiled.outputId },
    );
}

function checkParameters(
  compiled: CompiledGraph,
  parameters: Record<string, StoredLayer>,
  base: string,
): void {
  const expected = new Set<string>();
  for (const p of compiled.params) {
    expected.add(p.nodeId);
    if (!Object.hasOwn(parameters, p.nodeId))
      fail(
        'BAD_FILE',
        p.bias ? 'file.missingKernelAndBias' : 'file.missingKernel',
        { path: at(base, p.nodeId), id: p.nodeId },
        { path: at(base, p.nodeId), nodeId: p.nodeId },
      );
    const stored = parameters[p.nodeId]!;
    checkTensor(stored.kernel, p.stored, at(base, p.nodeId, 'kernel'), p.nodeId);
    if (p.bias === null && stored.bias !== undefined)
      fail(
        'BAD_FILE',
        'file.unexpectedBias',
        { path: at(base, p.nodeId, 'bias'), id: p.nodeId },
        { path: at(base, p.nodeId, 'bias'), nodeId: p.nodeId },
      );
    if (p.bias !== null) {
      if (stored.bias === undefined)
        fail(
          'BAD_FILE',
          'file.missingBias',
          { path: at(base, p.nodeId, 'bias'), id: p.nodeId },
          { path: at(base, p.nodeId, 'bias'), nodeId: p.nodeId },
        );
      checkTensor(stored.bias, p.bias, at(base, p.nodeId, 'bias'), p.nodeId);
    }
    for (const tensor of ['movingMean', 'movingVariance'] as const) {
      const path = at(base, p.nodeId, tensor);
      const t = stored[tensor];
      if (p.moving === null && t !== undefined)
        fail('BAD_FILE', 'file.unexpectedMoving', { path, id: p.nodeId }, { path, nodeId: p.nodeId });
      if (p.moving === null) continue;
      if (t === undefined)
        fail('BAD_FILE', 'file.missingMoving', { path, id: p.nodeId }, { path, nodeId: p.nodeId });
      checkTensor(t, p.moving, path, p.nodeId);
    }
  }
  for (const id of Object.keys(parameters))
    if (!expected.has(id))
      fail('BAD_FILE', 'file.strayParameters', { path: at(base, id) }, { path: at(base, id) });
}

function checkTensor(
  t: { shape: number[]; data: number[] },
  shape: number[],
  path: string,
  nodeId: string,
): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
    fail(
      'BAD_FILE',
      'file.shapeMismatch',
      { path: `${path}.shape`, shape: `[${t.shape.join(', ')}]`, needed: `[${shape.join(', ')}]` },
      { path: `${path}.shape`, nodeId },
    );
  const size = shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== size)
    fail(
      'BAD_FILE',
      'file.dataLength',
      { path: `${path}.data`, count: t.data.length, shape: `[${shape.join(', ')}]`, size },
      { path: `${path}.data`, nodeId },
    );
}
