/** The data options `train` and `init` share, read the same way for both. */
import type { RawTable } from '../../data/types.ts';
import { EngineError } from '../../errors.ts';
import type { ColumnMapping } from '../../train/run-setup.ts';
import { choice, intOption, numOption } from '../args.ts';
import { readTable } from '../data-source.ts';
import { engineMessage, UsageError } from '../io.ts';
import type { ResolvedNetwork } from './network.ts';

export const DATA_OPTIONS = {
  data: { type: 'string' },
  target: { type: 'string' },
  task: { type: 'string' },
  missing: { type: 'string' },
  normalize: { type: 'string' },
  samples: { type: 'string' },
  noise: { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;

/** The rows named by --data (or by the project), with --samples and --noise for a built-in set. */
export function readData(v: Values, net: ResolvedNetwork, seed: number): { spec: string; table: RawTable } {
  const spec = (v.data as string | undefined) ?? net.dataSpec;
  if (!spec) throw new UsageError('usage.dataRequired');
  const fromProject = v.data === undefined;
  const table = readTable(spec, {
    samples: intOption('samples', v.samples, 10, 1_000_000) ?? (fromProject ? net.dataSamples : undefined),
    noise: numOption('noise', v.noise, 0, 0.5) ?? (fromProject ? net.dataNoise : undefined),
    seed: net.dataSeed ?? seed,
  });
  return { spec, table };
}

/** The network's column mapping with --target, --task, --missing and --normalize laid over it. */
export function dataMapping(v: Values, net: ResolvedNetwork): ColumnMapping {
  return {
    ...net.mapping,
    ...(v.target !== undefined ? { target: v.target as string } : {}),
    ...(v.task !== undefined
      ? { task: choice('task', v.task, ['classification', 'regression'] as const)! }
      : {}),
    ...(v.missing !== undefined
      ? { missing: choice('missing', v.missing, ['drop', 'impute'] as const)! }
      : {}),
    ...(v.normalize !== undefined
      ? { normalize: choice('normalize', v.normalize, ['standard', 'none'] as const)! }
      : {}),
  };
}

/**
 * Runs `fn` (which sets up a run from the data and the network) so that its errors name the file they
 * are about: the network's file (project or weights) for an error in the graph, the data otherwise.
 */
export function namingFiles<T>(net: ResolvedNetwork, dataSpec: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    const aboutGraph = e.nodeId !== undefined || (e.path?.startsWith('graph') ?? false);
    const aboutData = e.row !== undefined || e.column !== undefined;
    const file = aboutGraph && net.file !== undefined ? net.file : aboutData ? dataSpec : undefined;
    if (file === undefined) throw e;
    throw new UsageError('io.inFile', { path: file, problem: engineMessage(e) });
  }
}
