/** Shared fixtures: a 2-4-1 XOR network (tanh hidden layer, sigmoid output) and error assertions. */
import { expect } from 'vitest';
import type { Preprocessing } from '../../../engine/data/types.ts';
import { EngineError } from '../../../engine/errors.ts';
import type { ErrorCode } from '../../../engine/errors.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import { exportWeights, serializeWeights } from '../../../engine/formats/index.ts';
import type { LayerValues } from '../../../engine/formats/index.ts';

export const CREATED_AT = '2025-05-01T12:00:00.000Z';

export function xorGraph(): GraphSpec {
  return {
    nodes: [
      { id: 'in', type: 'input', inputs: [], units: 0 },
      {
        id: 'hidden',
        type: 'dense',
        inputs: ['in'],
        units: 4,
        activation: 'tanh',
        useBias: true,
        kernelInitializer: 'glorot_uniform',
      },
      {
        id: 'logit',
        type: 'dense',
        inputs: ['hidden'],
        units: 1,
        activation: 'sigmoid',
        useBias: true,
        kernelInitializer: 'glorot_uniform',
      },
      { id: 'out', type: 'output', inputs: ['logit'], loss: 'binary_crossentropy' },
    ],
  };
}

export function xorPreprocessing(): Preprocessing {
  return {
    features: [
      { name: 'a', kind: 'numeric', mean: 0.5, scale: 0.5, fill: null },
      { name: 'b', kind: 'numeric', mean: 0.5, scale: 0.5, fill: null },
    ],
    target: { name: 'xor', task: 'classification', classes: ['0', '1'] },
    missing: 'drop',
    normalize: 'standard',
  };
}

/** Trained values (400 epochs of full-batch gradient descent), as float32. */
export function xorParameters(): Map<string, LayerValues> {
  const f = (v: number[]) => new Float32Array(v);
  return new Map([
    [
      'hidden',
      {
        kernel: f([
          -1.4749701, -1.4670172, 1.610381, 1.5999138, -1.4769937, 1.5280005, 1.6079262, -1.5385739,
        ]),
        bias: f([1.4493977, 1.4917147, 1.643686, 1.5647874]),
      },
    ],
    ['logit', { kernel: f([2.8771324, -2.9679554, 3.001617, -2.9559526]), bias: f([0.009366955]) }],
  ]);
}

/** The XOR weights file as JSON text. */
export function xorWeightsText(): string {
  return serializeWeights(
    exportWeights({
      graph: xorGraph(),
      parameters: xorParameters(),
      preprocessing: xorPreprocessing(),
      metadata: { createdAt: CREATED_AT, training: { epochs: 400, loss: 0.006 } },
    }),
  );
}

/** Parsed JSON that tests edit freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** A fresh mutable copy of the XOR weights file as plain JSON data. */
export function xorWeightsJson(): Json {
  return JSON.parse(xorWeightsText());
}

/** Runs `fn`, expecting an EngineError with `code` whose path and message name the place. */
export function expectEngineError(
  fn: () => unknown,
  code: ErrorCode,
  where: { path?: string; message?: string | RegExp; pathInMessage?: boolean } = {},
): EngineError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected an EngineError').toBeInstanceOf(EngineError);
  const e = error as EngineError;
  expect({ code: e.code, message: e.message }).toMatchObject({ code });
  if (where.path !== undefined) {
    expect(e.path).toBe(where.path);
    if (where.pathInMessage !== false) expect(e.message).toContain(where.path);
  }
  if (typeof where.message === 'string') expect(e.message).toContain(where.message);
  else if (where.message) expect(e.message).toMatch(where.message);
  return e;
}
