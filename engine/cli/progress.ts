/** Training progress: a redrawn bar on a terminal, one plain line per epoch (at most ~20) otherwise. */
import type { EpochMetrics } from '../train/trainer.ts';
import { english } from './i18n.ts';
import type { Translate } from './i18n.ts';

export interface Progress {
  epoch(m: EpochMetrics, total: number): void;
  done(): void;
}

const fmt = (v: number | undefined) => (v === undefined ? '' : v.toPrecision(4));

/** Summary of an epoch's metrics, e.g. "loss 0.1234 val_loss 0.2345 accuracy 0.9500". */
export function describeEpoch(m: EpochMetrics, t: Translate = english): string {
  const parts: string[] = [t('progress.loss', { v: fmt(m.loss) })];
  if (m.valLoss !== undefined) parts.push(t('progress.valLoss', { v: fmt(m.valLoss) }));
  if (m.accuracy !== undefined) parts.push(t('progress.accuracy', { v: fmt(m.accuracy) }));
  if (m.valAccuracy !== undefined) parts.push(t('progress.valAccuracy', { v: fmt(m.valAccuracy) }));
  if (m.r2 !== undefined) parts.push(t('progress.r2', { v: fmt(m.r2) }));
  if (m.valR2 !== undefined) parts.push(t('progress.valR2', { v: fmt(m.valR2) }));
  return parts.join('  ');
}

/** Writes to `out` (stderr in the CLI); `tty` picks the redrawn bar. */
export function createProgress(
  out: { write(s: string): unknown },
  tty: boolean,
  columns = 80,
  t: Translate = english,
): Progress {
  let lastDraw = 0;
  return {
    epoch(m, total) {
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 50 && m.epoch < total) return;
        lastDraw = now;
        const width = Math.max(10, Math.min(30, columns - 70));
        const filled = Math.round((m.epoch / total) * width);
        const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
        out.write(
          `\r\x1b[2K${bar} ${t('progress.epoch', { epoch: m.epoch, total })}  ${describeEpoch(m, t)}`,
        );
        return;
      }
      const every = Math.max(1, Math.ceil(total / 20));
      if (m.epoch % every === 0 || m.epoch === total || m.epoch === 1)
        out.write(`${t('progress.epoch', { epoch: m.epoch, total })}  ${describeEpoch(m, t)}\n`);
    },
    done() {
      if (tty) out.write('\n');
    },
  };
}
