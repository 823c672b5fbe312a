/** File-name stems of exports: what the CLI and the app name a network's files. */
import { describe, expect, it } from 'vitest';
import { exportStem } from '../../../engine/formats/exports.ts';

describe('exportStem', () => {
  it.each([
    ['Iris – 2 layers', 'iris_2_layers'],
    ['iris.weights.json', 'iris'],
    ['spirals.bps.json', 'spirals'],
    ['house prices.json', 'house_prices'],
    ['2 moons', 'model_2_moons'],
    ['Café au lait', 'cafe_au_lait'],
    ['___', 'model'],
    ['模型', 'model'],
    ['', 'model'],
    [undefined, 'model'],
  ])('%s → %s', (name, stem) => {
    expect(exportStem(name)).toBe(stem);
  });

  it('is a Python identifier of at most 60 characters', () => {
    const stem = exportStem('a'.repeat(100));
    expect(stem).toHaveLength(60);
    expect(stem).toMatch(/^[a-z_][a-z0-9_]*$/);
  });
});
