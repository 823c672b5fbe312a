/** The data options `train` and `init` share, read the same way for both. */
import type { DataTable } from '../../data/types.ts';
import { EngineError } from '../../errors.ts';
import type { ColumnMapping } from '../../train/run-setup.ts';
import { choice, intOption, numOption } from '../args.ts';
import { readTable } from '../data-source.ts';
import type { SourceOptions } from '../data-source.ts';
import type { Io } from '../io-types.ts';
import { translator } from '../i18n.ts';
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
  'image-size': { type: 'string' },
  channels: { type: 'string' },
  'image-shape': { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;

const SIDE = 4096;

/** `--image-size`: `H×W` (or `HxW`), or one number for a square. */
function imageSizeOption(v: unknown): [number, number] | undefined {
  if (v === undefined) return undefined;
  const parts = String(v).trim().split(/[x×]/);
  const sides = parts.map(Number);
  if (parts.length > 2 || !parts.every((p) => /^\d+$/.test(p)) || sides.some((n) => n < 1 || n > SIDE))
    throw new UsageError('args.imageSize', { value: String(v), max: SIDE });
  return [sides[0]!, sides[1] ?? sides[0]!];
}

/** `--image-shape`: `H×W×C` (or `HxWxC`; `H×W` is grey); the engine checks the channels and the size. */
function imageShapeOption(v: unknown): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = String(v).trim().split(/[x×]/);
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => /^\d+$/.test(p)))
    throw new UsageError('args.imageShape', { value: String(v) });
  const shape = parts.map(Number);
  return shape.length === 2 ? [...shape, 1] : shape;
}

/** Writes a line naming each image file that a folder's reading skips. */
export function skippedFiles(io: Io): NonNullable<SourceOptions['warn']> {
  const t = translator(io.lang);
  return (path, reason) => io.stderr.write(`${t('io.imageSkipped', { path, reason })}\n`);
}

/**
 * The rows named by --data (or by the project), with --samples and --noise for a built-in set, and
 * --image-size and --channels for a folder of images or --image-shape for a CSV of pixels.
 */
export function readData(
  v: Values,
  net: ResolvedNetwork,
  seed: number,
  warn?: SourceOptions['warn'],
): { spec: string; table: DataTable } {
  const spec = (v.data as string | undefined) ?? net.dataSpec;
  if (!spec) throw new UsageError('usage.dataRequired');
  const fromProject = v.data === undefined;
  const o: SourceOptions = { seed: net.dataSeed ?? seed };
  const samples =
    intOption('samples', v.samples, 10, 1_000_000) ?? (fromProject ? net.dataSamples : undefined);
  const noise = numOption('noise', v.noise, 0, 0.5) ?? (fromProject ? net.dataNoise : undefined);
  const imageSize = imageSizeOption(v['image-size']);
  const channels = choice('channels', v.channels, ['1', '3'] as const);
  const imageShape = imageShapeOption(v['image-shape']);
  if (samples !== undefined) o.samples = samples;
  if (noise !== undefined) o.noise = noise;
  if (imageSize) o.imageSize = imageSize;
  if (channels) o.channels = channels === '1' ? 1 : 3;
  if (imageShape) o.imageShape = imageShape;
  const target = (v.target as string | undefined) ?? net.mapping.target;
  if (target !== undefined) o.target = target;
  if (warn) o.warn = warn;
  // Continuing from weights: a folder's images take the model's shape unless told otherwise.
  const image = net.init?.preprocessing.image;
  if (image) o.imageDefaults = image.shape;
  return { spec, table: readTable(spec, o) };
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
