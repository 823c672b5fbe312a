import { describe, expect, it } from 'vitest';
import { exportWeights, loadWeights, serializeWeights } from '../../../engine/formats/index.ts';
import type { Preprocessing } from '../../../engine/data/types.ts';
import {
  CREATED_AT,
  expectEngineError,
  xorGraph,
  xorParameters,
  xorPreprocessing,
  xorWeightsText,
} from './helpers.ts';

/** XOR's network over a 1 × 2 grey image: two pixels scaled by 1/255. */
function imagePreprocessing(shape: [number, number, number] = [1, 2, 1]): Preprocessing {
  return {
    ...xorPreprocessing(),
    features: ['pixel0', 'pixel1'].map((name) => ({
      name,
      kind: 'numeric',
      mean: 0,
      scale: 255,
      fill: null,
    })),
    normalize: 'none',
    image: { shape, scale: 255 },
  };
}

const file = (preprocessing: Preprocessing) =>
  exportWeights({
    graph: xorGraph(),
    parameters: xorParameters(),
    preprocessing,
    metadata: { createdAt: CREATED_AT },
  });

describe('preprocessing.image in weights files', () => {
  it('round-trips the image shape and scale', () => {
    const loaded = loadWeights(serializeWeights(file(imagePreprocessing())));
    expect(loaded.preprocessing.image).toEqual({ shape: [1, 2, 1], scale: 255 });
  });

  it('opens a file written before images existed (no image field), and writes none for tables', () => {
    const loaded = loadWeights(xorWeightsText());
    expect(loaded.preprocessing).not.toHaveProperty('image');
    expect(serializeWeights(file(xorPreprocessing()))).not.toContain('"image"');
  });

  it('refuses a shape whose pixels are not the features, and channels other than 1 or 3', () => {
    const text = serializeWeights(file(imagePreprocessing()));
    expectEngineError(
      () => loadWeights(text.replace('"shape": [1, 2, 1]', '"shape": [2, 2, 1]')),
      'BAD_FILE',
      { path: 'preprocessing.image.shape', message: /2×2×1 has 4 pixels, but there are 2 features/ },
    );
    expectEngineError(
      () => loadWeights(text.replace('"shape": [1, 2, 1]', '"shape": [1, 1, 2]')),
      'BAD_FILE',
      { path: 'preprocessing.image.shape[2]' },
    );
  });
});
