/**
 * The export dialog's state: which format is chosen (remembered in the window's storage), the files it
 * writes and the Keras-style summary of the network, both asked of the engine when the dialog opens,
 * and the export itself. A format that cannot express the network (UNSUPPORTED_EXPORT, naming the
 * block) or a save that fails is told in the dialog, and nothing is written.
 */
import type { EngineApi, ExportFile } from '../../../engine/api.ts';
import type { EngineErrorInfo, Result } from '../../../engine/errors.ts';
import { isExportChoice, weightsFileName } from '../lib/export-formats.ts';
import type { ExportChoice } from '../lib/export-formats.ts';
import { desktopErrorText, errorText, t } from '../lib/i18n.svelte.ts';
import type { Platform } from '../platform/index.ts';
import type { Toast } from './toasts.svelte.ts';
import type { TrainingState } from './training.svelte.ts';

export const EXPORT_FORMAT_KEY = 'backprop-studio:export-format';

/** What an export needs of the window. */
export interface ExportHost {
  readonly api: EngineApi;
  readonly training: TrainingState;
  readonly staleRun: boolean;
  readonly platform: Platform;
  readonly files: { readonly projectName: string };
  toast(kind: Toast['kind'], text: string): void;
}

/** localStorage where there is one; storage refused or missing remembers nothing. */
const storage = () => (globalThis as { localStorage?: Storage }).localStorage;

function storedChoice(): ExportChoice {
  try {
    const v = storage()?.getItem(EXPORT_FORMAT_KEY);
    return isExportChoice(v) ? v : 'weights';
  } catch {
    return 'weights';
  }
}

export class ModelExport {
  readonly #app: ExportHost;
  /** The dialog is showing. */
  open = $state(false);
  format = $state<ExportChoice>(storedChoice());
  /** The names of the files the chosen format writes (null while the engine is asked, or it cannot). */
  names = $state.raw<string[] | null>(null);
  /** The network as Keras's model.summary() prints it; null when there is none (no run, or no TF.js export). */
  summary = $state<string | null>(null);
  /** The summary is being asked of the engine. */
  summaryPending = $state(false);
  /** An export is being written. */
  busy = $state(false);
  /**
   * Why the chosen format cannot be written, or why the last export failed (`attempted`), in the
   * current language (worded when read, so it follows a language switch).
   */
  #problem = $state.raw<{ text: () => string; attempted: boolean } | null>(null);
  /** Answers to an older choice are dropped. */
  #asked = 0;
  /**
   * The files the preview made, kept for Export while they still are the run's (same format, name,
   * run and step, and the run not training): a large export is then encoded once, not twice.
   */
  #made: { key: string; files: ExportFile[] } | null = null;

  constructor(app: ExportHost) {
    this.#app = app;
  }

  /** Why nothing can be exported now (no trained network, or one made from another network or data). */
  get blocked(): string | null {
    if (!this.#app.training.run) return t('exportDialog.noRun');
    if (this.#app.staleRun) return t('exportDialog.staleRun');
    return null;
  }

  get problem(): string | null {
    return this.#problem?.text() ?? null;
  }

  /** The problem arose in an export the person asked for (rather than in the preview of a format). */
  get attempted(): boolean {
    return this.#problem?.attempted ?? false;
  }

  async show(): Promise<void> {
    this.open = true;
    this.#problem = null;
    this.summary = null;
    await Promise.all([this.#preview(), this.#loadSummary()]);
  }

  close(): void {
    if (this.busy) return;
    this.open = false;
    this.#made = null;
  }

  /** Picks a format (remembered for the next export) and asks which files it writes. */
  async choose(format: ExportChoice): Promise<void> {
    this.format = format;
    try {
      storage()?.setItem(EXPORT_FORMAT_KEY, format);
    } catch {
      // storage refused: the choice lasts for this window
    }
    await this.#preview();
  }

  /** What the files made now depend on, or null while the run trains (its weights change). */
  #key(format: ExportChoice): string | null {
    const { training, files } = this.#app;
    const st = training.status;
    if (!st || st.state === 'running') return null;
    return JSON.stringify([format, files.projectName, training.runToken, st.step]);
  }

  /** The chosen format's files for the current run, from the engine (or as the preview made them). */
  async #files(format: ExportChoice): Promise<Result<ExportFile[]>> {
    const key = this.#key(format);
    if (key !== null && this.#made?.key === key) return { ok: true, value: this.#made.files };
    const { api, files } = this.#app;
    const r: Result<ExportFile[]> =
      format !== 'weights'
        ? await api.exportModel(format, files.projectName)
        : await api
            .exportWeights(files.projectName)
            .then((w) =>
              w.ok ? { ok: true, value: [{ name: weightsFileName(files.projectName), data: w.value }] } : w,
            );
    this.#made = r.ok && key !== null && key === this.#key(format) ? { key, files: r.value } : null;
    return r;
  }

  #fail(error: EngineErrorInfo, attempted: boolean): void {
    this.#problem = { text: () => errorText(error), attempted };
  }

  async #preview(): Promise<void> {
    const asked = ++this.#asked;
    const format = this.format;
    this.names = null;
    this.#problem = null;
    if (this.blocked) return;
    const r = await this.#files(format);
    if (asked !== this.#asked) return;
    if (r.ok) this.names = r.value.map((f) => f.name);
    else this.#fail(r.error, false);
  }

  async #loadSummary(): Promise<void> {
    if (this.blocked) return;
    this.summaryPending = true;
    try {
      const r = await this.#app.api.modelSummary();
      this.summary = r.ok ? r.value : null;
    } finally {
      this.summaryPending = false;
    }
  }

  /**
   * Writes the chosen format's files where the person says (the platform's save dialog or downloads);
   * true when they were written, and the dialog closes. A cancelled save keeps the dialog open.
   */
  async export(): Promise<boolean> {
    if (this.blocked || this.busy) return false;
    this.busy = true;
    this.#problem = null;
    try {
      const format = this.format;
      const r = await this.#files(format);
      if (!r.ok) {
        this.#fail(r.error, true);
        return false;
      }
      const { platform } = this.#app;
      let saved: string[] | null;
      try {
        if (format === 'weights') {
          const [file] = r.value;
          const done = await platform.saveFile('weights', file!.name, file!.data as string);
          saved = done ? [done.name] : null;
        } else saved = await platform.saveFiles(r.value);
      } catch (e) {
        this.#problem = { text: () => desktopErrorText(e), attempted: true };
        return false;
      }
      if (!saved) return false;
      this.open = false;
      this.#made = null;
      this.#app.toast('info', t('toast.exported', { name: saved.join(', ') }));
      return true;
    } finally {
      this.busy = false;
    }
  }
}
