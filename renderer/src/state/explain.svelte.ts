/**
 * "Inside backprop": one training step of the current network on one sample, played event by event
 * (forward, loss, backward, update), and the comparison of backprop with the naive chain rule and
 * finite differences. Every number comes from the engine (its caches and counters).
 */
import type { EngineApi } from '../../../engine/api.ts';
import type { EngineErrorInfo } from '../../../engine/errors.ts';
import type { CostPoint } from '../../../engine/explain/cost-curve.ts';
import type { GradientCheckReport } from '../../../engine/explain/gradcheck-layers.ts';
import type { MethodComparison } from '../../../engine/explain/methods.ts';
import type { StepTrace } from '../../../engine/explain/trace-types.ts';

export type Phase = 'forward' | 'loss' | 'backward' | 'update';

/** One frame of the step: which phase, and which node (an index into the trace's event lists). */
export interface Frame {
  phase: Phase;
  index: number;
  nodeId: string;
}

const PLAY_MS = 1100;

export function framesOf(t: StepTrace): Frame[] {
  return [
    ...t.forward.map((e, index) => ({ phase: 'forward' as const, index, nodeId: e.nodeId })),
    { phase: 'loss', index: 0, nodeId: t.loss.nodeId },
    ...t.backward.map((e, index) => ({ phase: 'backward' as const, index, nodeId: e.nodeId })),
    { phase: 'update', index: 0, nodeId: '' },
  ];
}

export class ExplainState {
  trace = $state.raw<StepTrace | null>(null);
  frame = $state(0);
  sample = $state(0);
  playing = $state(false);
  loading = $state(false);
  error = $state.raw<EngineErrorInfo | null>(null);
  comparison = $state.raw<MethodComparison | null>(null);
  costs = $state.raw<CostPoint[] | null>(null);
  check = $state.raw<GradientCheckReport | null>(null);
  busy = $state<'compare' | 'check' | null>(null);
  frames = $derived(this.trace ? framesOf(this.trace) : []);
  current = $derived(this.frames[this.frame] ?? null);
  #timer = 0;

  constructor(private api: () => EngineApi) {}

  /** Traces one step of the current run on training row `sample`. */
  async load(sample = this.sample): Promise<void> {
    this.loading = true;
    try {
      const r = await this.api().explainStep({ samples: [sample] });
      if (r.ok) {
        this.trace = r.value;
        this.sample = sample;
        this.frame = 0;
        this.error = null;
      } else {
        this.trace = null;
        this.error = r.error;
      }
    } finally {
      this.loading = false;
    }
  }

  /** One frame on; playing stops at the last frame. */
  #advance(): void {
    if (this.frame < this.frames.length - 1) this.frame++;
    if (this.frame >= this.frames.length - 1) this.stop();
  }

  /** Stepping by hand takes over from playing. */
  next(): void {
    this.stop();
    this.#advance();
  }

  prev(): void {
    this.stop();
    if (this.frame > 0) this.frame--;
  }

  go(frame: number): void {
    this.stop();
    this.frame = Math.max(0, Math.min(this.frames.length - 1, frame));
  }

  toggle(): void {
    if (this.playing) this.stop();
    else {
      if (this.frame >= this.frames.length - 1) this.frame = 0;
      this.playing = true;
      this.#timer = window.setInterval(() => this.#advance(), PLAY_MS);
    }
  }

  stop(): void {
    this.playing = false;
    clearInterval(this.#timer);
  }

  /** Runs the three gradient methods on the current sample and the cost-by-depth curve. */
  async compare(): Promise<void> {
    this.busy = 'compare';
    try {
      const [c, k] = await Promise.all([
        this.api().compareGradients({ samples: [this.sample] }),
        this.api().costCurve({}),
      ]);
      this.comparison = c.ok ? c.value : null;
      this.costs = k.ok ? k.value : null;
      this.error = !c.ok ? c.error : !k.ok ? k.error : null;
    } finally {
      this.busy = null;
    }
  }

  async gradientCheck(): Promise<void> {
    this.busy = 'check';
    try {
      const r = await this.api().gradientCheck({});
      this.check = r.ok ? r.value : null;
      this.error = r.ok ? null : r.error;
    } finally {
      this.busy = null;
    }
  }

  reset(): void {
    this.stop();
    this.trace = null;
    this.comparison = null;
    this.check = null;
    this.frame = 0;
  }
}
