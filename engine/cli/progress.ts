/** Training progress: a redrawn bar on a terminal, one plain line per epoch (at most ~20) otherwise. */
import type { EpochMetrics } from '../train/trainer.ts';

export interface Progress {
  epoch(m: EpochMetrics, total: number): void;
  done(): void;
}

const fmt = (v: number | undefined) => (v === undefined ? '' : v.toPrecision(4));

/** Summary of an epoch's metrics, e.g. "loss 0.1234 val_loss 0.2345 accuracy 0.9500". */
export function describeEpoch(m: EpochMetrics): string {
  const parts: string[] = [`loss ${fmt(m.loss)}`];
  if (m.valLoss !== undefined) parts.push(`val_loss ${fmt(m.valLoss)}`);
  if (m.accuracy !== undefined) parts.push(`accuracy ${fmt(m.accuracy)}`);
  if (m.valAccuracy !== undefined) parts.push(`val_accuracy ${fmt(m.valAccuracy)}`);
  if (m.r2 !== undefined) parts.push(`r2 ${fmt(m.r2)}`);
  if (m.valR2 !== undefined) parts.push(`val_r2 ${fmt(m.valR2)}`);
  return parts.join('  ');
}

/** Writes to `out` (stderr in the CLI); `tty` picks the redrawn bar. */
export function createProgress(out: { write(s: string): unknown }, tty: boolean, columns = 80): Progress {
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
        out.write(`\r\x1b[2K${bar} epoch ${m.epoch}/${total}  ${describeEpoch(m)}`);
        return;
      }
      const every = Math.max(1, Math.ceil(total / 20));
      if (m.epoch % every === 0 || m.epoch === total || m.epoch === 1)
        out.write(`epoch ${m.epoch}/${total}  ${describeEpoch(m)}\n`);
    },
    done() {
      if (tty) out.write('\n');
    },
  };
}
