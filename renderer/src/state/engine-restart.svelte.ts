/**
 * What the window does when its engine stops (crash, out of memory, hang): say so, and once the
 * supervisor has started a new engine, put the data, the run and its last checkpoint back into it. If
 * the engine stopped three times within a minute, restoring the run is what stops it: only the data
 * goes back, and the person starts a new run.
 */
import type { EngineApi } from '../../../engine/api.ts';
import type { EngineClient, EngineEvent } from '../../../engine/host/client.ts';
import { errorText, t } from '../lib/i18n.svelte.ts';
import type { DataState } from './data.svelte.ts';
import type { TrainingState } from './training.svelte.ts';
import type { Toast } from './toasts.svelte.ts';

/** What restoring needs of the window. */
export interface RestartHost {
  readonly engine: EngineClient;
  readonly api: EngineApi;
  readonly data: DataState;
  readonly training: TrainingState;
  /** The runs table: a run the engine stopped under is kept as interrupted. */
  readonly runs: { interrupt(): void };
  toast(kind: Toast['kind'], text: string): void;
  compile(): Promise<void>;
}

/** Stops within this long count towards giving up on the run. */
const WINDOW_MS = 60_000;
const MAX_STOPS = 3;

export class EngineRestarts {
  /**
   * The engine stopped and its data and run are not back yet: training waits (the buttons are off, and
   * a Train or Step already asked for goes on once they are back).
   */
  restoring = $state(false);
  /** When the engine stopped within the last minute. */
  #stops: number[] = [];
  /** The restore after the latest restart; a newer restart supersedes an older one. */
  #settled: Promise<void> = Promise.resolve();
  #restart = 0;

  constructor(private readonly app: RestartHost) {}

  onEvent(e: EngineEvent): void {
    if (e.type === 'crashed' || e.type === 'hung') {
      const now = Date.now();
      this.#stops = [...this.#stops.filter((at) => now - at < WINDOW_MS), now];
      this.restoring = true;
      this.app.runs.interrupt();
      this.app.toast('error', t('toast.engineCrashed', { message: errorText(e.error) }));
    }
    if (e.type === 'restarted') {
      const restart = ++this.#restart;
      this.#settled = this.#afterRestart().finally(() => {
        if (restart === this.#restart) this.restoring = false;
      });
    }
  }

  /** Resolves once the engine has its data (and run) back after the latest restart, at once if none. */
  settled(): Promise<void> {
    return this.#settled;
  }

  async #afterRestart(): Promise<void> {
    try {
      await this.#restore();
    } catch (e) {
      // The new engine stopped too: its own restart restores again (or gives up).
      if ((e as Error | null)?.name === 'EngineUnavailableError') return;
      this.app.toast('error', t('toast.weightsNotRestored', { message: String((e as Error)?.message ?? e) }));
    }
  }

  async #restore(): Promise<void> {
    const app = this.app;
    if (this.#stops.length >= MAX_STOPS) {
      // Not forgotten until a minute has passed without a stop: another stop gives up again at once.
      app.engine.forgetRun();
      app.training.drop();
      app.toast('error', t('toast.engineGaveUp'));
      // The same rows back into the engine; the data panel (target, task, …) is left as it is.
      if (app.data.source) {
        const d = await app.api.loadData(app.data.source);
        if (!d.ok) app.toast('error', errorText(d.error));
      }
      await app.compile();
      return;
    }
    const hadRun = app.training.run !== null;
    const r = await app.engine.restoreRun();
    if (r?.ok) {
      if (hadRun) app.toast('info', t('toast.engineBack'));
      await app.training.refresh(true);
    } else if (r) {
      app.training.drop();
      app.toast('error', t('toast.weightsNotRestored', { message: errorText(r.error) }));
    }
  }
}
