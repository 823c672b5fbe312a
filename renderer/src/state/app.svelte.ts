/**
 * The window's state: the engine connection, the network, the data, the run, and the project file
 * they are saved in (name, unsaved changes, autosave for recovery).
 */
import type { EngineApi } from '../../../engine/api.ts';
import type { EngineClient } from '../../../engine/host/client.ts';
import { createEngine } from '../lib/engine.ts';
import { desktop } from '../lib/desktop.ts';
import { downloadText, pickFile } from '../lib/files.ts';
import { desktopErrorText, errorText, t } from '../lib/i18n.svelte.ts';
import type { TemplateName } from '../lib/templates.ts';
import { DataState } from './data.svelte.ts';
import { GraphState } from './graph.svelte.ts';
import type { HeadFix } from './graph.svelte.ts';
import { TrainingState } from './training.svelte.ts';
import { ExplainState } from './explain.svelte.ts';
import { EngineRecovery } from './recovery.ts';
import { clearRecovery, readRecent, readRecovery, rememberRecent, writeRecovery } from './local-work.ts';
import type { RecentProject } from './local-work.ts';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export class AppState {
  readonly engine: EngineClient;
  readonly graph = new GraphState();
  readonly data = new DataState(() => this.engine.api);
  readonly training = new TrainingState(() => this.engine.api);
  readonly explain = new ExplainState(() => this.engine.api);
  /** Which view the centre shows: the editor with charts, or one step of backprop up close. */
  mode = $state<'network' | 'explain'>('network');
  /** The name the person gave the project; null while it has the default one, which follows the language. */
  #givenName = $state<string | null>(null);
  get projectName(): string {
    return this.#givenName ?? t('app.untitled');
  }
  set projectName(name: string) {
    this.#givenName = name === t('app.untitled') ? null : name;
  }
  /** Desktop: the token of the file this project was opened from or saved to. */
  fileToken = $state<string | null>(null);
  savedRevision = $state('');
  /** A project is being opened: its network, data and run are not all in place yet. */
  opening = $state(false);
  toasts = $state.raw<Toast[]>([]);
  recent = $state.raw<RecentProject[]>([]);
  #toastId = 0;
  #autosaveFailed = false;
  /** What the last recovery copy held: the work, the run's step, and when it was written. */
  #autosaved: { work: string; step: number; at: number } | null = null;

  /** `engine` replaces the window's own (a test's in-process engine). */
  constructor(engine?: EngineClient) {
    const recovery = new EngineRecovery(this);
    this.engine = engine ?? createEngine((e) => recovery.onEvent(e));
  }

  get api(): EngineApi {
    return this.engine.api;
  }

  /** What a saved file holds (network, data, name, training settings); compared with the last save to mark unsaved changes. */
  revisionKey = $derived(
    `${this.graph.revision}|${this.data.revision}|${this.#givenName ?? ''}|${JSON.stringify(this.training.config())}`,
  );
  dirty = $derived(this.revisionKey !== this.savedRevision);

  toast(kind: Toast['kind'], text: string): void {
    const t = { id: ++this.#toastId, kind, text };
    this.toasts = [...this.toasts, t];
    setTimeout(
      () => (this.toasts = this.toasts.filter((x) => x.id !== t.id)),
      kind === 'error' ? 9000 : 4000,
    );
  }

  async init(): Promise<void> {
    await this.data.init();
    this.recent = readRecent();
    await this.data.loadBuiltin('spirals');
    this.applyTemplate('mlp');
    await this.dataChanged();
    this.savedRevision = this.revisionKey;
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
  #ensureRun(): Promise<boolean> {
    return this.training.ensureRun(this.graph.spec(), { mapping: this.data.mapping() }, this.runKey);
  }

  async train(): Promise<void> {
    if (this.opening) return;
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
    if (this.opening) return;
    const ok = await this.#ensureRun();
    if (ok) await this.training.step();
  }

  // ---- files ----

  /**
   * The project as a file. The run's weights go with it only when they were trained on this network and
   * data; an edited network saves without them (the engine also leaves out weights that do not fit).
   */
  async projectText(): Promise<string | null> {
    const data = this.data.projectData();
    const r = await this.api.exportProject({
      name: this.projectName,
      graph: this.graph.spec(),
      positions: this.graph.positions(),
      ...(data ? { data } : {}),
      training: this.training.config(),
      withRun: this.training.run !== null && !this.staleRun,
    });
    if (!r.ok) {
      this.toast('error', t('toast.saveFailed', { message: errorText(r.error) }));
      return null;
    }
    return r.value;
  }

  /** Runs a desktop call; a refusal or failure is told in a toast and gives `null`. */
  async #desktopCall<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      return await call();
    } catch (e) {
      this.toast('error', desktopErrorText(e));
      return null;
    }
  }

  async save(as = false): Promise<void> {
    const text = await this.projectText();
    if (text === null) return;
    const bridge = desktop();
    const fileName = `${this.projectName.replace(/[^\w.-]+/g, '-') || 'project'}.bps.json`;
    if (bridge) {
      const token = as ? undefined : (this.fileToken ?? undefined);
      const h = await this.#desktopCall(() => bridge.saveFile('project', fileName, text, token));
      if (!h) return; // cancelled, or failed and said so: the work stays open and unsaved
      this.fileToken = h.token;
    } else downloadText(fileName, text, 'application/json');
    this.savedRevision = this.revisionKey;
    this.recent = rememberRecent(this.recent, this.projectName, text);
    clearRecovery();
    this.toast(
      'info',
      this.staleRun
        ? t('toast.savedWithoutWeights', { name: fileName })
        : t('toast.saved', { name: fileName }),
    );
  }

  async open(): Promise<void> {
    const bridge = desktop();
    const file = bridge
      ? await this.#desktopCall(() => bridge.openFile('project'))
      : await pickFile('.json,.bps.json');
    if (!file) return;
    const text = new TextDecoder().decode(file.bytes);
    if ((await this.openText(text)) && 'token' in file) this.fileToken = (file as { token: string }).token;
  }

  /** Loads a project file's text: graph, data, settings (trained weights continue the run). */
  async openText(text: string): Promise<boolean> {
    this.opening = true;
    try {
      return await this.#openText(text);
    } finally {
      this.opening = false;
    }
  }

  async #openText(text: string): Promise<boolean> {
    const r = await this.api.importProject(text);
    if (!r.ok) {
      this.toast('error', t('toast.openFailed', { message: errorText(r.error) }));
      return false;
    }
    const p = r.value;
    this.projectName = p.name;
    this.training.setConfig(p.training);
    const src = p.data?.source;
    if (src?.kind === 'builtin') {
      this.data.noise = src.noise;
      this.data.seed = src.seed;
      await this.data.loadBuiltin(src.name, src.samples);
    } else if (src?.kind === 'csv') this.toast('info', t('toast.csvAgain', { name: src.name }));
    if (p.data) {
      this.data.target = p.data.target ?? this.data.target;
      this.data.task = p.data.task ?? 'auto';
      this.data.missing = p.data.missing;
      this.data.normalize = p.data.normalize;
      await this.data.describe();
    }
    this.graph.load(p.graph, p.graph.positions);
    this.training.invalidate();
    this.training.clearMetrics();
    await this.dataChanged(false);
    if (p.weights && this.data.summary) {
      // Trained weights come back: the run continues from them.
      const r = await this.api.createRun({
        graph: this.graph.spec(),
        mapping: this.data.mapping(),
        training: this.training.config(),
        initWeights: text,
      });
      if (r.ok) {
        this.training.adopt(r.value, this.runKey);
        // The run's state, epochs, map and results, as they were when it was saved.
        await this.training.refresh(true);
      } else this.toast('error', t('toast.weightsNotRestored', { message: errorText(r.error) }));
    }
    this.savedRevision = this.revisionKey;
    this.recent = rememberRecent(this.recent, p.name, text);
    return true;
  }

  /** A fresh project: the default template on the current data. */
  async newProject(): Promise<void> {
    if (this.dirty) await this.autosave();
    this.#givenName = null;
    this.fileToken = null;
    this.applyTemplate('mlp');
    this.training.clearMetrics();
    await this.dataChanged();
    this.savedRevision = this.revisionKey;
  }

  /** Opens a project the desktop shell granted a token for (recent files). */
  async openToken(token: string): Promise<void> {
    const bridge = desktop();
    if (!bridge) return;
    let f;
    try {
      f = await bridge.readToken(token);
    } catch (e) {
      this.toast('error', desktopErrorText(e));
      return;
    }
    if (!f) {
      this.toast('error', t('toast.fileGone'));
      return;
    }
    if (await this.openText(new TextDecoder().decode(f.bytes))) this.fileToken = token;
  }

  /** Asks for a CSV and loads it; true when it was loaded. */
  async importCsv(): Promise<boolean> {
    const bridge = desktop();
    const f = bridge
      ? await this.#desktopCall(() => bridge.openFile('csv'))
      : await pickFile('.csv,.tsv,.txt,text/csv');
    if (!f || !(await this.data.loadFile(f.name, f.bytes))) return false;
    await this.dataChanged();
    return true;
  }

  async exportWeights(): Promise<void> {
    if (!this.training.run) {
      this.toast('error', t('toast.noWeights'));
      return;
    }
    if (this.staleRun) {
      this.toast('error', t('toast.staleWeights'));
      return;
    }
    const r = await this.api.exportWeights(this.projectName);
    if (!r.ok) {
      this.toast('error', r.error.code === 'NO_RUN' ? t('toast.noWeights') : errorText(r.error));
      return;
    }
    const name = `${this.projectName.replace(/[^\w.-]+/g, '-') || 'model'}.weights.json`;
    const bridge = desktop();
    if (bridge) {
      const h = await this.#desktopCall(() => bridge.saveFile('weights', name, r.value));
      if (!h) return;
      this.toast('info', t('toast.exported', { name: h.name }));
    } else {
      downloadText(name, r.value, 'application/json');
      this.toast('info', t('toast.exported', { name }));
    }
  }

  /**
   * Continues training from a weights file: its network and preprocessing replace the current ones. The
   * run is made first; a file that does not fit the data is refused and changes nothing.
   */
  async importWeights(): Promise<void> {
    const bridge = desktop();
    const file = bridge ? await this.#desktopCall(() => bridge.openFile('weights')) : await pickFile('.json');
    if (!file) return;
    await this.importWeightsText(file.name, new TextDecoder().decode(file.bytes));
  }

  async importWeightsText(name: string, text: string): Promise<boolean> {
    const w = await this.api.inspectWeights(text);
    if (!w.ok) {
      this.toast('error', t('toast.weightsInvalid', { name, message: errorText(w.error) }));
      return false;
    }
    const mapping = { ...this.data.mapping(), target: w.value.preprocessing.target.name };
    const r = await this.api.createRun({
      graph: w.value.graph,
      mapping,
      training: this.training.config(),
      initWeights: text,
    });
    if (!r.ok) {
      this.toast('error', t('toast.weightsMismatch', { name, message: errorText(r.error) }));
      return false;
    }
    this.graph.load(w.value.graph);
    this.data.target = mapping.target;
    await this.data.describe();
    this.training.wantGrid = Boolean(this.data.summary?.planar);
    await this.compile();
    this.training.adopt(r.value, this.runKey);
    await this.training.refresh(true);
    this.toast('info', t('toast.weightsLoaded', { name }));
    return true;
  }

  // ---- recovery (local-work.ts keeps it) ----

  /** Keeps unsaved work for recovery; a failure is told once, until autosave works again. */
  async autosave(): Promise<void> {
    if (!this.dirty) return;
    // Nothing new since the last copy: no need to write it again. While a run trains, its progress is
    // kept once a minute (a long run's history makes a large file); an edit is kept at once.
    const work = this.revisionKey;
    const step = this.training.status?.step ?? 0;
    const now = Date.now();
    const last = this.#autosaved;
    if (
      last &&
      last.work === work &&
      (last.step === step || (this.training.running && now - last.at < 60_000))
    )
      return;
    const text = await this.projectText();
    if (text === null) return;
    try {
      await writeRecovery(text, this.projectName);
      this.#autosaveFailed = false;
      this.#autosaved = { work, step, at: now };
    } catch (e) {
      if (!this.#autosaveFailed)
        this.toast('error', t('desktopError.autosaveFailed', { message: desktopErrorText(e) }));
      this.#autosaveFailed = true;
    }
  }

  recoverable(): Promise<string | null> {
    return readRecovery();
  }

  clearRecovery(): void {
    clearRecovery();
  }
}
