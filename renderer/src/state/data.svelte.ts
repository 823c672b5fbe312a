/** The dataset: which one, what is in it, how its columns are used, and what went wrong reading it. */
import type {
  ColumnMapping,
  DataSource,
  DatasetSummary,
  EngineApi,
  LoadProgress,
  TargetSummary,
} from '../../../engine/api.ts';
import type { BuiltinInfo } from '../../../engine/data/builtin.ts';
import type { EngineErrorInfo } from '../../../engine/errors.ts';
import type { ProjectData } from '../../../engine/formats/index.ts';

export class DataState {
  builtins = $state.raw<BuiltinInfo[]>([]);
  source = $state.raw<DataSource | null>(null);
  summary = $state.raw<DatasetSummary | null>(null);
  /** What the current mapping means: task, classes, widths. */
  targetInfo = $state.raw<TargetSummary | null>(null);
  loading = $state(false);
  /** How far a CSV load has got (polled from the engine while it reads), or null. */
  progress = $state.raw<LoadProgress | null>(null);
  /** The name of a file whose load was cancelled (until the next load). */
  cancelled = $state<string | null>(null);
  error = $state.raw<EngineErrorInfo | null>(null);
  /** The file the error is about (a CSV that could not be loaded, or the loaded one), for its message. */
  errorFile = $state<string | null>(null);
  target = $state('');
  task = $state<'auto' | 'classification' | 'regression'>('auto');
  missing = $state<'drop' | 'impute'>('drop');
  normalize = $state<'standard' | 'none'>('standard');
  noise = $state(0);
  samples = $state(500);
  seed = $state(1);
  /** Bumped whenever the rows or their mapping change. */
  revision = $state(0);

  constructor(private api: () => EngineApi) {}

  get name(): string {
    return this.source?.name ?? '';
  }

  mapping(): ColumnMapping {
    return {
      ...(this.target ? { target: this.target } : {}),
      ...(this.task !== 'auto' ? { task: this.task } : {}),
      missing: this.missing,
      normalize: this.normalize,
    };
  }

  /** How a project file records this data: where it came from and how its columns are used. */
  projectData(): ProjectData | null {
    const src = this.source;
    if (!src) return null;
    return {
      source:
        src.kind === 'builtin'
          ? { kind: 'builtin', name: src.name, samples: this.samples, noise: this.noise, seed: this.seed }
          : { kind: 'csv', name: src.name },
      ...this.mapping(),
      missing: this.missing,
      normalize: this.normalize,
    };
  }

  async init(): Promise<void> {
    const r = await this.api().builtins();
    if (r.ok) this.builtins = r.value;
  }

  async load(source: DataSource): Promise<boolean> {
    this.loading = true;
    this.cancelled = null;
    this.progress = null;
    const watching = source.kind === 'builtin' ? null : this.#watchProgress();
    try {
      const r = await this.api().loadData(source);
      if (!r.ok) {
        if (r.error.key === 'request.loadCancelled') {
          // The person asked for it: the data loaded before stays, and nothing went wrong.
          this.cancelled = source.name;
          return false;
        }
        this.error = r.error;
        this.errorFile = source.kind === 'builtin' ? null : source.name;
        return false;
      }
      this.error = null;
      this.errorFile = null;
      this.source = source;
      this.summary = r.value;
      this.target = r.value.target;
      this.task = 'auto';
      await this.describe();
      this.revision++;
      return true;
    } finally {
      this.loading = false;
      watching?.stop();
      this.progress = null;
    }
  }

  /** Stops the CSV load under way (the engine answers the load with a cancellation). */
  async cancelLoad(): Promise<void> {
    await this.api().cancelLoad();
  }

  /** Asks the engine how far its load has got, about ten times a second, until stopped. */
  #watchProgress(): { stop(): void } {
    let on = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const r = await this.api()
        .loadProgress()
        .catch(() => null);
      if (!on) return;
      if (r?.ok) this.progress = r.value;
      timer = setTimeout(() => void tick(), 100);
    };
    void tick();
    return {
      stop() {
        on = false;
        clearTimeout(timer);
      },
    };
  }

  /** Loads a built-in set: at `samples` rows, else its default size (or the current size if it is already loaded). */
  loadBuiltin(name: string, samples?: number): Promise<boolean> {
    const info = this.builtins.find((b) => b.name === name);
    if (samples !== undefined) this.samples = samples;
    else if (info && !(this.source?.kind === 'builtin' && this.source.name === name))
      this.samples = info.defaults.samples;
    return this.load({ kind: 'builtin', name, samples: this.samples, noise: this.noise, seed: this.seed });
  }

  async loadFile(name: string, bytes: Uint8Array): Promise<boolean> {
    return this.load({ kind: 'csv', name, bytes });
  }

  /** Re-reads the current built-in set with new noise or size. */
  async regenerate(): Promise<void> {
    if (this.source?.kind === 'builtin') await this.loadBuiltin(this.source.name);
  }

  /** Re-checks the mapping after the target, task or missing rule changed. */
  async describe(): Promise<void> {
    const r = await this.api().describeTarget(this.mapping());
    if (r.ok) {
      this.targetInfo = r.value;
      this.error = null;
    } else {
      this.targetInfo = null;
      this.error = r.error;
      this.errorFile = this.source && this.source.kind !== 'builtin' ? this.source.name : null;
    }
    this.revision++;
  }
}
