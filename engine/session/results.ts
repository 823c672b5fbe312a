/** How a model does on held-out rows: a confusion matrix, or predicted against actual values. */
import type { ResultsSummary } from '../api.ts';
import type { Dataset, Preprocessing } from '../data/types.ts';
import type { Trainer } from '../train/trainer.ts';

const MAX_PAIRS = 2000;

export function summarizeResults(trainer: Trainer, data: Dataset, prep: Preprocessing): ResultsSummary {
  const p = trainer.predict(data.x, data.n);
  const K = data.nOut;
  const t = prep.target;
  if (t.task === 'classification') {
    const C = t.classes.length;
    const matrix = Array.from({ length: C }, () => new Array<number>(C).fill(0));
    let correct = 0;
    for (let i = 0; i < data.n; i++) {
      let actual = 0;
      let predicted = 0;
      if (K === 1) {
        actual = data.y[i]! >= 0.5 ? 1 : 0;
        predicted = p[i]! > 0.5 ? 1 : 0;
      } else {
        for (let k = 1; k < K; k++) {
          if (data.y[i * K + k]! > data.y[i * K + actual]!) actual = k;
          if (p[i * K + k]! > p[i * K + predicted]!) predicted = k;
        }
      }
      matrix[actual]![predicted]!++;
      if (actual === predicted) correct++;
    }
    return {
      task: 'classification',
      classes: t.classes,
      rows: data.n,
      accuracy: data.n ? correct / data.n : 0,
      matrix,
    };
  }
  const m = trainer.evaluate(data);
  const step = Math.max(1, Math.ceil(data.n / MAX_PAIRS));
  const count = Math.ceil(data.n / step);
  const actual = new Float32Array(count);
  const predicted = new Float32Array(count);
  for (let j = 0, i = 0; i < data.n; i += step, j++) {
    actual[j] = data.y[i * K]! * t.scale + t.mean;
    predicted[j] = p[i * K]! * t.scale + t.mean;
  }
  return { task: 'regression', rows: data.n, actual, predicted, r2: m.r2 ?? NaN, mae: m.mae ?? NaN };
}
