/**
 * The window's state: the engine connection, the network, the data, the run, and the project file
 * they are saved in (name, unsaved changes, autosave for recovery).
 */
import type { EngineApi } from '../../../engine/api.ts';
import type { EngineClient, EngineEvent } from '../../../engine/host/client.ts';
import { createEngine } from '../lib/engine.ts';
import { desktop } from '../lib/desktop.ts';
import { downloadText, pickFile } from '../lib/files.ts';
import { errorText, t } from '../lib/i18n.svelte.ts';
import type { TemplateName } from '../lib/templates.ts';
import { DataState } from './data.svelte.ts';
import { GraphState } from './graph.svelte.ts';
import { TrainingState } from './training.svelte.ts';
import { ExplainState } from './explain.svelte.ts';

const RECOVERY_KEY = 'backprop-studio:recovery';
const RECENT_KEY = 'backprop-studio:recent';

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
  projectName = $state(t('app.untitled'));
  /** Desktop: the token of the file this project was opened from or saved to. */
  fileToken = $state<string | null>(null);
  savedRevision = $state('');
  toasts = $state.raw<Toast[]>([]);
  recent = $state.raw<{ name: string; text: string }[]>([]);
  #toastId = 0;

  constructor() {
    this.engine = createEngine((e) => this.#onEngineEvent(e));
  }

  get api(): EngineApi {
    return this.engine.api;
  }

  /** What a saved file would hold; compared with the last save to mark unsaved changes. */
  revisionKey = $derived(`${this.graph.revision}|${this.data.revision}|${this.projectName}`);
  dirty = $derived(this.revisionKey !== this.savedRevision);

  toast(kind: Toast['kind'], text: string): void {
    const t = { id: ++this.#toastId, kind, text };
    this.toasts = [...this.toasts, t];
    setTimeout(
      () => (this.toasts = this.toasts.filter((x) => x.id !== t.id)),
      kind === 'error' ? 9000 : 4000,
    );
  }

  #onEngineEvent(e: EngineEvent): void {
    if (e.type === 'crashed' || e.type === 'hung')
      this.toast('error', t('toast.engineCrashed', { message: e.message }));
    if (e.type === 'restarted')
      void this.engine.recover().then((r) => {
        if (r?.ok) {
          this.toast('info', t('toast.engineBack'));
          void this.training.refresh(true);
        }
      });
  }

  async init(): Promise<void> {
    await this.data.init();
    this.recent = this.#readRecent();
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

  /** After new data: fit the output layer to it (say so), forget the old run, re-check the graph. */
  async dataChanged(): Promise<void> {
    const info = this.data.targetInfo;
    if (info && this.graph.fitHead(info.outputs, info.task))
      this.toast(
        'info',
        info.task === 'classification'
          ? t('toast.headClasses', { count: info.outputs })
          : t('toast.headValue', { count: info.outputs }),
      );
    this.training.invalidate();
    this.training.wantGrid = Boolean(this.data.summary?.planar);
    await this.compile();
  }

  /** The graph and data a run is made from; a run made from another key is stale. */
  get runKey(): string {
    return `${this.graph.revision}|${this.data.revision}`;
  }

  async train(): Promise<void> {
    if (this.graph.problem) {
      this.toast('error', errorText(this.graph.problem));
      return;
    }
    const ok = await this.training.ensureRun(
      this.graph.spec(),
      { mapping: this.data.mapping() },
      `${this.graph.revision}|${this.data.revision}`,
    );
    if (!ok) return;
    if (this.training.status?.state === 'paused') await this.training.resume();
    else await this.training.start();
  }

  /** Opens "Inside backprop" on the current network (creating its run if needed). */
  async openExplain(): Promise<void> {
    this.mode = 'explain';
    if (this.graph.problem) return;
    // A finished run of this network is explained with its trained weights; only a stale one is remade.
    const ok =
      this.training.isCurrent(this.runKey) ||
      (await this.training.ensureRun(this.graph.spec(), { mapping: this.data.mapping() }, this.runKey));
    if (ok) await this.explain.load();
  }

  async stepOnce(): Promise<void> {
    const ok = await this.training.ensureRun(
      this.graph.spec(),
      { mapping: this.data.mapping() },
      `${this.graph.revision}|${this.data.revision}`,
    );
    if (ok) await this.training.step();
  }

  // ---- files ----

  async projectText(): Promise<string | null> {
    const src = this.data.source;
    const r = await this.api.exportProject({
      name: this.projectName,
      graph: this.graph.spec(),
      positions: this.graph.positions(),
      ...(src
        ? {
            data: {
              source:
                src.kind === 'builtin'
                  ? {
                      kind: 'builtin',
                      name: src.name,
                      samples: this.data.samples,
                      noise: this.data.noise,
                      seed: this.data.seed,
                    }
                  : { kind: 'csv', name: src.name },
              ...(this.data.target ? { target: this.data.target } : {}),
              ...(this.data.task !== 'auto' ? { task: this.data.task } : {}),
              missing: this.data.missing,
              normalize: this.data.normalize,
            },
          }
        : {}),
      training: this.training.config(),
    });
    if (!r.ok) {
      this.toast('error', t('toast.saveFailed', { message: errorText(r.error) }));
      return null;
    }
    return r.value;
  }

  async save(as = false): Promise<void> {
    const text = await this.projectText();
    if (text === null) return;
    const bridge = desktop();
    const fileName = `${this.projectName.replace(/[^\w.-]+/g, '-') || 'project'}.bps.json`;
    if (bridge) {
      const h = await bridge.saveFile(
        'project',
        fileName,
        text,
        as ? undefined : (this.fileToken ?? undefined),
      );
      if (!h) return;
      this.fileToken = h.token;
    } else downloadText(fileName, text, 'application/json');
    this.savedRevision = this.revisionKey;
    this.#remember(this.projectName, text);
    this.clearRecovery();
    this.toast('info', t('toast.saved', { name: fileName }));
  }

  async open(): Promise<void> {
    const bridge = desktop();
    const file = bridge ? await bridge.openFile('project') : await pickFile('.json,.bps.json');
    if (!file) return;
    const text = new TextDecoder().decode(file.bytes);
    await this.openText(text);
    if ('token' in file) this.fileToken = (file as { token: string }).token;
  }

  /** Loads a project file's text: graph, data, settings (trained weights continue the run). */
  async openText(text: string): Promise<boolean> {
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
    await this.dataChanged();
    if (p.weights && this.data.summary) {
      // Trained weights come back: the run continues from them.
      const r = await this.api.createRun({
        graph: this.graph.spec(),
        mapping: this.data.mapping(),
        training: this.training.config(),
        initWeights: text,
      });
      if (r.ok) this.training.adopt(r.value, this.runKey);
      else this.toast('error', t('toast.weightsNotRestored', { message: errorText(r.error) }));
    }
    this.savedRevision = this.revisionKey;
    this.#remember(p.name, text);
    return true;
  }

  /** A fresh project: the default template on the current data. */
  async newProject(): Promise<void> {
    if (this.dirty) await this.autosave();
    this.projectName = t('app.untitled');
    this.fileToken = null;
    this.applyTemplate('mlp');
    this.training.clearMetrics();
    await this.dataChanged();
    this.savedRevision = this.revisionKey;
  }

  /** Opens a project the desktop shell granted a token for (recent files). */
  async openToken(token: string): Promise<void> {
    const f = await desktop()?.readToken(token);
    if (!f) {
      this.toast('error', t('toast.fileGone'));
      return;
    }
    if (await this.openText(new TextDecoder().decode(f.bytes))) this.fileToken = token;
  }

  async importCsv(): Promise<void> {
    const bridge = desktop();
    const f = bridge ? await bridge.openFile('csv') : await pickFile('.csv,.tsv,.txt,text/csv');
    if (f && (await this.data.loadFile(f.name, f.bytes))) await this.dataChanged();
  }

  async exportWeights(): Promise<void> {
    if (this.training.run && !this.training.isCurrent(this.runKey)) {
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
    if (bridge) await bridge.saveFile('weights', name, r.value);
    else downloadText(name, r.value, 'application/json');
    this.toast('info', t('toast.exported', { name }));
  }

  /** Continues training from a weights file: its network and preprocessing replace the current ones. */
  async importWeights(): Promise<void> {
    const bridge = desktop();
    const file = bridge ? await bridge.openFile('weights') : await pickFile('.json');
    if (!file) return;
    const text = new TextDecoder().decode(file.bytes);
    const w = await this.api.inspectWeights(text);
    if (!w.ok) {
      this.toast('error', t('toast.weightsInvalid', { name: file.name, message: errorText(w.error) }));
      return;
    }
    this.graph.load(w.value.graph);
    this.data.target = w.value.preprocessing.target.name;
    await this.data.describe();
    await this.compile();
    const r = await this.api.createRun({
      graph: w.value.graph,
      mapping: this.data.mapping(),
      training: this.training.config(),
      initWeights: text,
    });
    if (!r.ok) {
      this.toast('error', t('toast.weightsMismatch', { name: file.name, message: errorText(r.error) }));
      return;
    }
    this.training.adopt(r.value, this.runKey);
    this.toast('info', t('toast.weightsLoaded', { name: file.name }));
  }

  // ---- recovery and recent files (browser storage; the desktop shell keeps its own) ----

  async autosave(): Promise<void> {
    if (!this.dirty) return;
    const text = await this.projectText();
    if (text === null) return;
    const bridge = desktop();
    if (bridge) await bridge.writeRecovery(text);
    else
      try {
        localStorage.setItem(RECOVERY_KEY, text);
      } catch {
        // storage full: recovery is best effort
      }
  }

  async recoverable(): Promise<string | null> {
    const bridge = desktop();
    return bridge ? bridge.readRecovery() : localStorage.getItem(RECOVERY_KEY);
  }

  clearRecovery(): void {
    const bridge = desktop();
    if (bridge) void bridge.clearRecovery();
    else localStorage.removeItem(RECOVERY_KEY);
  }

  #readRecent(): { name: string; text: string }[] {
    try {
      const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
      return Array.isArray(v)
        ? v
            .filter(
              (x): x is { name: string; text: string } =>
                typeof x?.name === 'string' && typeof x?.text === 'string',
            )
            .slice(0, 5)
        : [];
    } catch {
      return [];
    }
  }

  #remember(name: string, text: string): void {
    if (text.length > 2_000_000) return;
    this.recent = [{ name, text }, ...this.recent.filter((r) => r.name !== name)].slice(0, 5);
    try {
      localStorage.setItem(RECENT_KEY, JSON.stringify(this.recent));
    } catch {
      // storage full
    }
  }
}
