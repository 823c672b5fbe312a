/**
 * The end of the network against the data: whether its last layer fits (one softmax unit per class, one
 * sigmoid unit for two classes with binary cross-entropy, or linear values), and the edits that make it
 * fit. Pure functions of the drawing; `GraphState` commits what they return as one undoable change.
 */
import type { Edge, Node } from '@xyflow/svelte';
import type { Activation, LossName } from '../../../engine/graph/types.ts';
import { blockInfo, initializerFor } from '../lib/blocks.ts';
import type { LayerData } from '../lib/blocks.ts';
import { COLUMN } from '../lib/layout.ts';

export type LayerNode = Node<{ layer: LayerData }, 'layer'>;

/** The blocks and wires as drawn. */
export interface Drawing {
  nodes: LayerNode[];
  edges: Edge[];
}

export type Task = 'classification' | 'regression';

/** A one-click fix for a network whose end does not fit the data (see `headFix`). */
export interface HeadFix {
  /** Change the dense layer `id` that feeds the output, or insert one after block `id`. */
  action: 'change' | 'insert';
  id: string;
  units: number;
  activation: Activation;
  loss: LossName;
}

/** The output block and the block connected into it, where there are. */
function outputAndFeeder({ nodes, edges }: Drawing): { out?: LayerNode; feeder?: LayerNode } {
  const out = nodes.find((n) => n.data.layer.kind === 'output');
  const edge = out && edges.find((e) => e.target === out.id);
  return { out, feeder: edge && nodes.find((n) => n.id === edge.source) };
}

/**
 * How to make the network end the way the data needs, as one click: change the dense layer that feeds
 * the output when it is nearly right (right width or right activation), else add a dense layer before
 * the output. Null when there is nothing to fix.
 */
export function headFix(drawing: Drawing, outputs: number, task: Task): HeadFix | null {
  const { out, feeder } = outputAndFeeder(drawing);
  if (!out || !feeder || out.data.layer.kind !== 'output') return null;
  const binary = task === 'classification' && outputs === 2 && out.data.layer.loss === 'binary_crossentropy';
  const units = binary ? 1 : outputs;
  const activation: Activation = task === 'regression' ? 'linear' : binary ? 'sigmoid' : 'softmax';
  const loss: LossName =
    task === 'regression'
      ? out.data.layer.loss === 'mae'
        ? 'mae'
        : 'mse'
      : binary
        ? 'binary_crossentropy'
        : 'categorical_crossentropy';
  const f = feeder.data.layer;
  if (f.kind === 'dense' && f.units === units && f.activation === activation && out.data.layer.loss === loss)
    return null;
  if (f.kind === 'dense' && (f.units === units || f.activation === activation))
    return { action: 'change', id: feeder.id, units, activation, loss };
  return { action: 'insert', id: feeder.id, units, activation, loss };
}

/** The drawing with `fix` applied (`newId` names an inserted layer); null when there is no output. */
export function withHeadFix(drawing: Drawing, fix: HeadFix, newId: string): Drawing | null {
  const { out } = outputAndFeeder(drawing);
  if (!out) return null;
  const outLayer: LayerData = { kind: 'output', loss: fix.loss };
  if (fix.action === 'change')
    return {
      edges: drawing.edges,
      nodes: drawing.nodes.map((n) => {
        if (n.id === out.id) return { ...n, data: { layer: outLayer } };
        if (n.id !== fix.id || n.data.layer.kind !== 'dense') return n;
        const layer = { ...n.data.layer, units: fix.units, activation: fix.activation };
        return { ...n, data: { layer: { ...layer, initializer: initializerFor(fix.activation) } } };
      }),
    };
  const dense = blockInfo('dense').make();
  if (dense.kind !== 'dense') return null;
  const node: LayerNode = {
    id: newId,
    type: 'layer',
    position: { ...out.position },
    data: {
      layer: {
        ...dense,
        units: fix.units,
        activation: fix.activation,
        initializer: initializerFor(fix.activation),
      },
    },
  };
  return {
    nodes: [
      ...drawing.nodes.map((n) =>
        n.id === out.id
          ? { ...n, position: { x: n.position.x + COLUMN, y: n.position.y }, data: { layer: outLayer } }
          : n,
      ),
      node,
    ],
    edges: [
      ...drawing.edges.filter((e) => e.target !== out.id),
      { id: `e-${fix.id}-${newId}`, source: fix.id, target: newId },
      { id: `e-${newId}-${out.id}`, source: newId, target: out.id },
    ],
  };
}

/**
 * The blocks with the layer before the output fitted to the data: one unit per class (softmax) or one
 * value. Null when it already fits (a sigmoid unit for two classes with binary cross-entropy does; so
 * does any non-softmax width-`outputs` layer for regression) or there is no dense layer to fit.
 */
export function withFittedHead(drawing: Drawing, outputs: number, task: Task): LayerNode[] | null {
  const { out, feeder: head } = outputAndFeeder(drawing);
  if (!out || !head || head.data.layer.kind !== 'dense') return null;
  const layer = head.data.layer;
  const loss = task === 'regression' ? 'mse' : 'categorical_crossentropy';
  const activation = task === 'regression' ? 'linear' : 'softmax';
  const outLayer = out.data.layer.kind === 'output' ? out.data.layer : null;
  const binarySigmoid =
    task === 'classification' &&
    outputs === 2 &&
    layer.units === 1 &&
    layer.activation === 'sigmoid' &&
    outLayer?.loss === 'binary_crossentropy';
  if (binarySigmoid) return null;
  const regressionOk =
    task === 'regression' &&
    layer.activation !== 'softmax' &&
    outLayer?.loss !== 'categorical_crossentropy' &&
    outLayer?.loss !== 'binary_crossentropy';
  if (
    layer.units === outputs &&
    (regressionOk || (layer.activation === activation && outLayer?.loss === loss))
  )
    return null;
  return drawing.nodes.map((n) => {
    if (n.id === head.id)
      return {
        ...n,
        data: {
          layer: {
            ...layer,
            units: outputs,
            activation: regressionOk ? layer.activation : activation,
            initializer: 'glorot_uniform',
          },
        },
      };
    if (n.id === out.id && !regressionOk) return { ...n, data: { layer: { kind: 'output', loss } } };
    return n;
  });
}
