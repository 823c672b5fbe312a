/**
 * Learning-rate schedules, as Keras 3.16 defines them (keras/src/optimizers/schedules/
 * learning_rate_schedule.py, keras/src/callbacks/reduce_lr_on_plateau.py). `step` is the number of
 * optimiser steps taken before the one whose rate is asked for (Keras passes `optimizer.iterations`,
 * so the first update uses step 0); `epoch` is the 0-based epoch that step belongs to.
 *
 *   step         base · factor^⌊epoch / dropEvery⌋                              (per epoch)
 *   exponential  base · decayRate^(step / decaySteps), the exponent floored with staircase  (ExponentialDecay)
 *   cosine       d = min(step, decaySteps):  base · ((1 − α) · ½(1 + cos(π d / decaySteps)) + α)   (CosineDecay)
 *                with a warm-up of W steps to a target T: s = min(step, decaySteps + W);
 *                s < W: from + (T − from) · s / W,  else T · ((1 − α) · ½(1 + cos(π (s − W) / decaySteps)) + α)
 *                (from = base when T is given, as Keras's initial_learning_rate; else from = 0, T = base)
 *   plateau      ReduceLROnPlateau: after each epoch, see `plateauStep`.
 *
 * The learning rate a person sets while training is the base these multiply; for `plateau`, it is the
 * current rate, which later reductions reduce (as setting optimizer.learning_rate in Keras would).
 */
import type { LrSchedule } from './config.ts';
import { isImprovement, monitorDirection } from './early-stopping.ts';

type PlateauSchedule = Extract<LrSchedule, { type: 'plateau' }>;

/** The rate for an update at `step` (0-based) in the 0-based `epoch`, for the per-step and per-epoch forms. */
export function scheduledLr(
  s: Exclude<LrSchedule, PlateauSchedule>,
  base: number,
  step: number,
  epoch: number,
): number {
  switch (s.type) {
    case 'step':
      return base * Math.pow(s.factor, Math.floor(epoch / s.dropEvery));
    case 'exponential': {
      let p = step / s.decaySteps;
      if (s.staircase) p = Math.floor(p);
      return base * Math.pow(s.decayRate, p);
    }
    case 'cosine': {
      const alpha = s.alpha ?? 0;
      const warmup = s.warmupSteps ?? 0;
      const decay = (k: number, from: number) =>
        from * ((1 - alpha) * (0.5 * (1 + Math.cos(Math.PI * (k / s.decaySteps)))) + alpha);
      if (s.warmupTarget === undefined && warmup === 0) return decay(Math.min(step, s.decaySteps), base);
      const target = s.warmupTarget ?? base;
      const from = s.warmupTarget === undefined ? 0 : base;
      const k = Math.min(step, s.decaySteps + warmup);
      if (k < warmup) return (target - from) * (k / warmup) + from;
      return decay(k - warmup, target);
    }
  }
}

/** ReduceLROnPlateau's state: plain numbers, kept in the trainer's snapshots. */
export interface PlateauState {
  best: number | null;
  wait: number;
  cooldownCounter: number;
  /** The current learning rate (the reductions so far applied to the base). */
  lr: number;
}

export const initialPlateau = (lr: number): PlateauState => ({ best: null, wait: 0, cooldownCounter: 0, lr });

/** ReduceLROnPlateau's settings with Keras's defaults. */
export function plateauDefaults(s: PlateauSchedule): Required<PlateauSchedule> {
  return {
    type: 'plateau',
    monitor: s.monitor ?? 'val_loss',
    mode: s.mode ?? 'auto',
    factor: s.factor ?? 0.1,
    patience: s.patience ?? 10,
    minDelta: s.minDelta ?? 1e-4,
    cooldown: s.cooldown ?? 0,
    minLr: s.minLr ?? 0,
  };
}

/**
 * Keras ReduceLROnPlateau.on_epoch_end with the epoch's monitored value; updates `state` in place and
 * says whether the rate was reduced:
 *   in cooldown: cooldown_counter −= 1, wait = 0;
 *   an improvement (as EarlyStopping's, min_delta default 1e-4): best = current, wait = 0;
 *   else, out of cooldown: wait += 1, and when wait ≥ patience and lr > float32(min_lr):
 *   lr = max(lr · factor, min_lr), cooldown_counter = cooldown, wait = 0.
 */
export function plateauStep(s: PlateauSchedule, state: PlateauState, current: number | undefined): boolean {
  if (current === undefined) return false;
  const o = plateauDefaults(s);
  if (state.cooldownCounter > 0) {
    state.cooldownCounter -= 1;
    state.wait = 0;
  }
  if (isImprovement(current, state.best, monitorDirection(o.monitor, o.mode), Math.abs(o.minDelta))) {
    state.best = current;
    state.wait = 0;
    return false;
  }
  if (state.cooldownCounter > 0) return false;
  state.wait += 1;
  if (state.wait < o.patience || !(state.lr > Math.fround(o.minLr))) return false;
  state.lr = Math.max(state.lr * o.factor, o.minLr);
  state.cooldownCounter = o.cooldown;
  state.wait = 0;
  return true;
}
