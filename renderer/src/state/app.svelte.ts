/**
 * The window's state: the engine connection, the network, the data, the run, the explainer, and the
 * project file they are saved in (project-files.svelte.ts). Where the window runs (browser or desktop)
 * is decided once, by the platform it is given.
 */
import type { EngineApi } from '../../../engine/api.ts';
import type { EngineClient } from '../../../engine/host/client.ts';
import { createEngine } from '../lib/engine.ts';
import { errorText, t } from '../lib/i18n.svelte.ts';
import type { TemplateName } from '../lib/templates.ts';
import { choosePlatform } from '../platform/index.ts';
import type { Platform } from '../platform/index.ts';
import { DataState } from './data.svelte.ts';
import { GraphState } from './graph.svelte.ts';
import type { HeadFix } from './graph.svelte.ts';
import { TrainingState } from './training.svelte.ts';
import { ExplainState } from './explain.svelte.ts';
import { EngineRestarts } from './engine-restart.svelte.ts';
import { ProjectFiles } from './project-files.svelte.ts';
import { RunsState } from './runs.svelte.ts';
import { SweepState } from './sweep.svelte.ts';
import { ModelExport } from './model-export.svelte.ts';
import { Toasts } from './toasts.svelte.ts';
import type { Toast } from './toasts.svelte.ts';

export type { Toast } from './toasts.svelte.ts';

export interface AppOptions {
  /** Where the window runs; by default the desktop shell when its bridge is there, else the browser. */
  platform?: Platform;
  /** Replaces the engine the platform would start (a test's in-process engine). */
  engine?: EngineClient;
}

export class AppState {
  readonly platform: Platform;
  readonly engine: EngineClient;
  readonly graph = new GraphState();
  readonly data = new DataState(() => this.engine.api);
  readonly training = new TrainingState(() => this.engine.api);
  readonly explain = new ExplainState(() => this.engine.api);
  readonly files: ProjectFiles;
  /** Every training run kept with the project. */
  readonly runs: RunsState = new RunsState(this);
  /** A sweep over one or two settings; its finished runs are kept in `runs`. */
  readonly sweep: SweepState = new SweepState(this);
  /** The export dialog: the trained network as a weights file, TensorFlow.js, ONNX or PyTorch. */
  readonly exporter: ModelExport;
  readonly restarts: EngineRestarts;
  readonly #toasts = new Toasts();
  /** Which view the centre shows: the editor with charts, or one step of backprop up close. */
  mode = $state<'network' | 'explain' | 'runs'>('network');

  constructor(options: AppOptions = {}) {
    this.platform = options.platform ?? choosePlatform();
    this.restarts = new EngineRestarts(this);
    this.engine =
      options.engine ??
      createEngine(
        () => this.platform.spawnEngine(),
        (e) => this.restarts.onEvent(e),
      );
    this.files = new ProjectFiles(this, this.platform);
    this.exporter = new ModelExport(this);
    this.training.onChange = () => this.runs.observe();
  }

  get api(): EngineApi {
    return this.engine.api;
  }

  get toasts(): readonly Toast[] {
    return this.#toasts.list;
  }

  toast(kind: Toast['kind'], text: string): void {
    this.#toasts.show(kind, text);
  }

  async init(): Promise<void> {
    await this.data.init();
    await this.data.loadBuiltin('spirals');
    this.applyTemplate('mlp');
    await this.dataChanged();
    this.files.markSaved();
  }

  applyTemplate(name: TemplateName): void {
    const info = this.data.targetInfo;
    this.graph.applyTemplate(name, info?.outputs ?? 2, info?.task ?? 'classification');
    this.training.invalidate();
  }

  /** Asks the engine to check the graph against the data; marks the offending block. */
  async compile(): Promise<void> {
    const info = this.data.targetInfo;
    const spec = this.graph.spec();
    // Two classes can also be one sigmoid unit with binary cross-entropy.
    const binary =
      spec.nodes.some((n) => n.type === 'output' && n.loss === 'binary_crossentropy') && info?.outputs === 2;
    const r = await this.api.compile(spec, {
      ...(info ? { inputWidth: info.features, outputWidth: binary ? 1 : info.outputs } : {}),
    });
    if (r.ok) {
      this.graph.summary = r.value;
      this.graph.problem = null;
    } else if (!info && r.error.code === 'INPUT_WIDTH_MISMATCH') {
      // No usable data yet: the input's width is unknown, which is the data's problem, not the network's.
      this.graph.summary = null;
      this.graph.problem = null;
    } else {
      this.graph.summary = null;
      this.graph.problem = r.error;
    }
  }

  /** A one-click fix when the network's end does not fit the data (wrong width or activation at the output). */
  get headFix(): HeadFix | null {
    const info = this.data.targetInfo;
    const code = this.graph.problem?.code;
    if (!info || (code !== 'LOSS_ACTIVATION_MISMATCH' && code !== 'OUTPUT_WIDTH_MISMATCH')) return null;
    return this.graph.headFix(info.outputs, info.task);
  }

  fixHead(): void {
    const fix = this.headFix;
    if (fix) this.graph.applyHeadFix(fix);
  }

  /**
   * After new data: fit the output layer to it (say so; not for a project being opened, which comes
   * back as it was saved), forget the old run, re-check the graph.
   */
  async dataChanged(fitHead = true): Promise<void> {
    const info = this.data.targetInfo;
    if (fitHead && info && this.graph.fitHead(info.outputs, info.task))
      this.toast(
        'info',
        info.task === 'classification'
          ? t('toast.headClasses', { count: info.outputs })
          : t('toast.headValue', { count: info.outputs }),
      );
    // A run on other data says nothing about this data: its panels go (the network stays).
    if (this.training.run && !this.training.madeFrom(this.runKey)) {
      if (this.training.running) await this.api.stop();
      this.training.drop();
    }
    this.training.invalidate();
    this.training.wantGrid = Boolean(this.data.summary?.planar);
    await this.compile();
  }

  /**
   * The network and data a run is made from; a run made from another key is stale. The network counts
   * by what it computes (moving a block does not change it), so undoing an edit makes the run current again.
   */
  runKey = $derived(`${JSON.stringify(this.graph.spec())}|${this.data.revision}`);

  /** The panels show a run made from another network or data than the one on screen. */
  staleRun = $derived(this.training.run !== null && !this.training.madeFrom(this.runKey));

  /** Makes the run from the network and data on screen, unless the current one already is. */
  async #ensureRun(): Promise<boolean> {
    // After an engine restart, its data and run come back first (a run made before would find no data).
    await this.restarts.settled();
    return this.training.ensureRun(this.graph.spec(), { mapping: this.data.mapping() }, this.runKey);
  }

  async train(): Promise<void> {
    if (this.files.opening || this.sweep.running) return;
    if (this.graph.problem) {
      this.toast('error', errorText(this.graph.problem));
      return;
    }
    const ok = await this.#ensureRun();
    if (!ok) return;
    if (this.training.status?.state === 'paused') await this.training.resume();
    else await this.training.start();
  }

  /** Opens "Inside backprop" on the current network (creating its run if needed). */
  async openExplain(): Promise<void> {
    this.mode = 'explain';
    if (this.graph.problem) return;
    // A finished run of this network is explained with its trained weights; only a stale one is remade.
    const ok = this.training.isCurrent(this.runKey) || (await this.#ensureRun());
    if (ok) await this.explain.load();
  }

  async stepOnce(): Promise<void> {
    if (this.files.opening || this.sweep.running) return;
    const ok = await this.#ensureRun();
    if (ok) await this.training.step();
  }
}
