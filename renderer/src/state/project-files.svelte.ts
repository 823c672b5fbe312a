/**
 * The project as a file: its name, whether it has unsaved changes, and everything that reads or writes
 * a file (open, save, recent projects, a dropped file, CSV data, weights in and out, the recovery copy
 * of unsaved work). Files come and go through the platform (browser or desktop), chosen once.
 */
import type { EngineApi } from '../../../engine/api.ts';
import { fileStem } from '../lib/export-formats.ts';
import { desktopErrorText, errorText, t } from '../lib/i18n.svelte.ts';
import type { TemplateName } from '../lib/templates.ts';
import type { PickedFile, Platform } from '../platform/index.ts';
import type { DataState } from './data.svelte.ts';
import type { RunsState } from './runs.svelte.ts';
import type { GraphState } from './graph.svelte.ts';
import { readRecent, rememberRecent } from './recent-projects.ts';
import type { RecentProject } from './recent-projects.ts';
import type { Toast } from './toasts.svelte.ts';
import type { TrainingState } from './training.svelte.ts';

/** What the file operations need of the window. */
export interface FilesHost {
  readonly api: EngineApi;
  readonly graph: GraphState;
  readonly data: DataState;
  readonly training: TrainingState;
  /** The training runs kept with the project. */
  readonly runs: RunsState;
  /** The network and data a current run is made from (see AppState.runKey). */
  readonly runKey: string;
  /** The panels show a run made from another network or data. */
  readonly staleRun: boolean;
  toast(kind: Toast['kind'], text: string): void;
  applyTemplate(name: TemplateName): void;
  compile(): Promise<void>;
  dataChanged(fitHead?: boolean): Promise<void>;
}

/** The opening of a weights file (anything else picked as weights is taken for a TensorFlow.js model). */
const WEIGHTS_FILE = /"format"\s*:\s*"backprop-studio\/weights"/;

export class ProjectFiles {
  readonly #app: FilesHost;
  readonly #platform: Platform;
  /** The name the person gave the project; null while it has the default one, which follows the language. */
  #givenName = $state<string | null>(null);
  /** Desktop: the token of the file this project was opened from or saved to. */
  fileToken = $state<string | null>(null);
  savedRevision = $state('');
  /** A project is being opened: its network, data and run are not all in place yet. */
  opening = $state(false);
  recent = $state.raw<RecentProject[]>([]);
  #autosaveFailed = false;
  /** What the last recovery copy held: the work, the run's step, and when it was written. */
  #autosaved: { work: string; step: number; at: number } | null = null;

  constructor(app: FilesHost, platform: Platform) {
    this.#app = app;
    this.#platform = platform;
    this.recent = readRecent();
  }

  get projectName(): string {
    return this.#givenName ?? t('app.untitled');
  }
  set projectName(name: string) {
    this.#givenName = name === t('app.untitled') ? null : name;
  }

  /** What a saved file holds (network, data, name, training settings); compared with the last save to mark unsaved changes. */
  revisionKey = $derived.by(() => {
    const { graph, data, training, runs } = this.#app;
    return `${graph.revision}|${data.revision}|${this.#givenName ?? ''}|${JSON.stringify(training.config())}|${runs.revision}`;
  });
  dirty = $derived(this.revisionKey !== this.savedRevision);

  /** The work on screen counts as saved (a new project, or one just opened). */
  markSaved(): void {
    this.savedRevision = this.revisionKey;
  }

  /** Runs a platform call; a refusal or failure is told in a toast and gives `null`. */
  async #fileCall<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      return await call();
    } catch (e) {
      this.#app.toast('error', desktopErrorText(e));
      return null;
    }
  }

  /**
   * The project as a file. The run's weights go with it only when they were trained on this network and
   * data; an edited network saves without them (the engine also leaves out weights that do not fit).
   */
  async projectText(): Promise<string | null> {
    const app = this.#app;
    const data = app.data.projectData();
    const r = await app.api.exportProject({
      name: this.projectName,
      graph: app.graph.spec(),
      positions: app.graph.positions(),
      ...(data ? { data } : {}),
      training: app.training.config(),
      withRun: app.training.run !== null && !app.staleRun,
      ...(app.runs.list.length ? { runs: app.runs.list } : {}),
    });
    if (!r.ok) {
      app.toast('error', t('toast.saveFailed', { message: errorText(r.error) }));
      return null;
    }
    return r.value;
  }

  /** Saves the project: over its own file (desktop), or where the person says (`as`, or a first save). */
  async save(as = false): Promise<void> {
    const text = await this.projectText();
    if (text === null) return;
    const fileName = `${fileStem(this.projectName, 'project')}.bps.json`;
    const token = as ? undefined : (this.fileToken ?? undefined);
    const saved = await this.#fileCall(() => this.#platform.saveFile('project', fileName, text, token));
    if (!saved) return; // cancelled, or failed and said so: the work stays open and unsaved
    if (saved.token !== undefined) this.fileToken = saved.token;
    this.markSaved();
    this.recent = rememberRecent(this.recent, this.projectName, text);
    this.#platform.recovery.clear();
    this.#app.toast(
      'info',
      this.#app.staleRun
        ? t('toast.savedWithoutWeights', { name: saved.name })
        : t('toast.saved', { name: saved.name }),
    );
  }

  async open(): Promise<void> {
    const file = await this.#fileCall(() => this.#platform.openFile('project'));
    if (!file) return;
    await this.#openFile(file);
  }

  /** Opens a project the platform granted a token for (the desktop's recent files). */
  async openToken(token: string): Promise<void> {
    let file;
    try {
      file = await this.#platform.readToken(token);
    } catch (e) {
      this.#app.toast('error', desktopErrorText(e));
      return;
    }
    if (!file) {
      this.#app.toast('error', t('toast.fileGone'));
      return;
    }
    await this.#openFile({ ...file, token });
  }

  /** A file dropped on the window: a project (.json) opens, anything else loads as data. */
  async drop(dropped: File): Promise<void> {
    const file = await this.#fileCall(() => this.#platform.droppedFile(dropped));
    if (!file) return;
    if (/\.json$/i.test(file.name)) {
      await this.#openFile(file);
    } else if (await this.#app.data.loadFile(file.name, file.bytes)) await this.#app.dataChanged();
  }

  /** Opens a project file; once it is open, saving goes back to it where the platform gave a token. */
  async #openFile(file: PickedFile): Promise<void> {
    if (await this.openText(new TextDecoder().decode(file.bytes))) this.fileToken = file.token ?? null;
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
    const { api, data, graph, training } = this.#app;
    const r = await api.importProject(text);
    if (!r.ok) {
      this.#app.toast('error', t('toast.openFailed', { message: errorText(r.error) }));
      return false;
    }
    const p = r.value;
    this.#app.runs.load(p.runs ?? []);
    this.projectName = p.name;
    training.setConfig(p.training);
    const src = p.data?.source;
    if (src?.kind === 'builtin') {
      data.noise = src.noise;
      data.seed = src.seed;
      await data.loadBuiltin(src.name, src.samples);
    } else if (src?.kind === 'csv') this.#app.toast('info', t('toast.csvAgain', { name: src.name }));
    if (p.data) {
      data.target = p.data.target ?? data.target;
      data.task = p.data.task ?? 'auto';
      data.missing = p.data.missing;
      data.normalize = p.data.normalize;
      await data.describe();
    }
    graph.load(p.graph, p.graph.positions);
    training.invalidate();
    training.clearMetrics();
    await this.#app.dataChanged(false);
    if (p.weights && data.summary) {
      // Trained weights come back: the run continues from them.
      const run = await api.createRun({
        graph: graph.spec(),
        mapping: data.mapping(),
        training: training.config(),
        initWeights: text,
      });
      if (run.ok) {
        training.adopt(run.value, this.#app.runKey);
        // The run's state, epochs, map and results, as they were when it was saved.
        await training.refresh(true);
      } else this.#app.toast('error', t('toast.weightsNotRestored', { message: errorText(run.error) }));
    }
    this.markSaved();
    this.recent = rememberRecent(this.recent, p.name, text);
    return true;
  }

  /** A fresh project: the default template on the current data (unsaved work is kept for recovery first). */
  async newProject(): Promise<void> {
    if (this.dirty) await this.autosave();
    this.#givenName = null;
    this.fileToken = null;
    this.#app.runs.load([]);
    this.#app.applyTemplate('mlp');
    this.#app.training.clearMetrics();
    await this.#app.dataChanged();
    this.markSaved();
  }

  /** Asks for a CSV and loads it; true when it was loaded. */
  async importCsv(): Promise<boolean> {
    const file = await this.#fileCall(() => this.#platform.openFile('csv'));
    if (!file || !(await this.#app.data.loadFile(file.name, file.bytes))) return false;
    await this.#app.dataChanged();
    return true;
  }

  /**
   * Continues training from a weights file: its network and preprocessing replace the current ones. The
   * run is made first; a file that does not fit the data is refused and changes nothing.
   */
  async importWeights(): Promise<void> {
    const picked = await this.#fileCall(() => this.#platform.openFiles('weights'));
    if (!picked?.length) return;
    const json = picked.filter((f) => /\.json$/i.test(f.name));
    if (json.length !== 1) {
      this.#app.toast('error', t('toast.pickOneModel'));
      return;
    }
    const main = json[0]!;
    const text = new TextDecoder().decode(main.bytes);
    if (picked.length === 1 && WEIGHTS_FILE.test(text.slice(0, 4096))) {
      await this.importWeightsText(main.name, text);
      return;
    }
    // A TensorFlow.js model: model.json and the weights files it names become a weights file.
    const others = picked.filter((f) => f !== main).map((f) => ({ name: f.name, bytes: f.bytes }));
    const r = await this.#app.api.importTfjs(text, others);
    if (!r.ok) {
      this.#app.toast('error', t('toast.weightsInvalid', { name: main.name, message: errorText(r.error) }));
      return;
    }
    await this.importWeightsText(main.name, r.value);
  }

  async importWeightsText(name: string, text: string): Promise<boolean> {
    const { api, data, graph, training } = this.#app;
    const w = await api.inspectWeights(text);
    if (!w.ok) {
      this.#app.toast('error', t('toast.weightsInvalid', { name, message: errorText(w.error) }));
      return false;
    }
    const mapping = { ...data.mapping(), target: w.value.preprocessing.target.name };
    const r = await api.createRun({
      graph: w.value.graph,
      mapping,
      training: training.config(),
      initWeights: text,
    });
    if (!r.ok) {
      this.#app.toast('error', t('toast.weightsMismatch', { name, message: errorText(r.error) }));
      return false;
    }
    graph.load(w.value.graph);
    data.target = mapping.target;
    await data.describe();
    training.wantGrid = Boolean(data.summary?.planar);
    await this.#app.compile();
    training.adopt(r.value, this.#app.runKey);
    await training.refresh(true);
    this.#app.toast('info', t('toast.weightsLoaded', { name }));
    return true;
  }

  // ---- the recovery copy of unsaved work ----

  /** Keeps unsaved work for recovery; a failure is told once, until autosave works again. */
  async autosave(): Promise<void> {
    if (!this.dirty) return;
    // Nothing new since the last copy: no need to write it again. While a run trains, its progress is
    // kept once a minute (a long run's history makes a large file); an edit is kept at once.
    const training = this.#app.training;
    const work = this.revisionKey;
    const step = training.status?.step ?? 0;
    const now = Date.now();
    const last = this.#autosaved;
    if (last && last.work === work && (last.step === step || (training.running && now - last.at < 60_000)))
      return;
    const text = await this.projectText();
    if (text === null) return;
    try {
      await this.#platform.recovery.write(text, this.projectName);
      this.#autosaveFailed = false;
      this.#autosaved = { work, step, at: now };
    } catch (e) {
      if (!this.#autosaveFailed)
        this.#app.toast('error', t('desktopError.autosaveFailed', { message: desktopErrorText(e) }));
      this.#autosaveFailed = true;
    }
  }

  /** Work an earlier session left unsaved, if any. */
  recoverable(): Promise<string | null> {
    return this.#platform.recovery.read();
  }

  /** Forgets the recovery copy (the person discarded it). */
  discardRecovery(): void {
    this.#platform.recovery.clear();
  }
}
