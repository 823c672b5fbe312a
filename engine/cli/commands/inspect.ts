/** `inspect`: what is in a CSV, project or weights file, or a clear error saying why it can't be read. */
import { describeTable } from '../../data/describe.ts';
import { inputWidth, tableLength } from '../../data/types.ts';
import type { Preprocessing } from '../../data/types.ts';
import { prepareData } from '../../data/prepare.ts';
import { formatKerasSummary, kerasSummary } from '../../formats/keras-summary.ts';
import type { KerasSummary } from '../../formats/keras-summary.ts';
import { parseProject } from '../../formats/project-file.ts';
import type { LoadedWeights } from '../../formats/weights-file.ts';
import { loadWeights } from '../../formats/weights-file.ts';
import { compileGraph } from '../../graph/compile.ts';
import type { CompiledGraph } from '../../graph/compile.ts';
import type { GraphNode } from '../../graph/types.ts';
import { EngineError } from '../../errors.ts';
import { parse } from '../args.ts';
import type { Io } from '../io-types.ts';
import { formatError } from '../../i18n.ts';
import type { Lang } from '../../i18n.ts';
import { translator } from '../i18n.ts';
import type { Translate } from '../i18n.ts';
import { readCsvFile } from '../data-source.ts';
import { inFile, readHead, readText, UsageError } from '../io.ts';

/** `inspect --help`. */
export const inspectHelp = (t: Translate) => t('help.inspect');

const fmt = (v: number | undefined) => (v === undefined ? '' : Number(v.toPrecision(5)).toString());

function settings(n: GraphNode, t: Translate): string {
  switch (n.type) {
    case 'input':
      return '';
    case 'dense':
      return `${n.activation}${n.useBias ? '' : t('inspect.noBias')}${n.l1 ? t('inspect.l1', { v: n.l1 }) : ''}${n.l2 ? t('inspect.l2', { v: n.l2 }) : ''}`;
    case 'activation':
      return n.activation;
    case 'dropout':
      return t('inspect.rate', { v: n.rate });
    case 'output':
      return n.loss;
    default:
      return '';
  }
}

function layerTable(c: CompiledGraph, t: Translate): string[] {
  const perNode = new Map(c.params.map((p) => [p.nodeId, p]));
  const lines = c.order.map((n) => {
    const p = perNode.get(n.id);
    const shapes = p
      ? `${t('inspect.kernel', { shape: p.stored.join(', ') })}${p.bias ? t('inspect.bias', { size: p.bias[0] }) : ''}`
      : '';
    const count = p
      ? p.kernel[0] * p.kernel[1] + (p.bias ? p.bias[0] : 0) + (p.moving ? 2 * p.moving[0] : 0)
      : 0;
    const from = n.inputs.length ? ` ← ${n.inputs.join(', ')}` : '';
    // An image's shape per row (8×8×4), a flat node's width.
    const shape = c.shape.get(n.id)!;
    const width = t('inspect.width', {
      width: (shape.length > 1 ? shape.join('×') : String(shape[0])).padEnd(6),
    });
    return `  ${n.id.padEnd(12)} ${n.type.padEnd(12)} ${width} ${String(count).padStart(9)}  ${settings(n, t)}${shapes ? `; ${shapes}` : ''}${from}`;
  });
  return [
    `  ${t('inspect.head.node').padEnd(12)} ${t('inspect.head.type').padEnd(12)} ${t('inspect.head.output').padEnd(12)} ${t('inspect.head.params').padStart(9)}`,
    ...lines,
    `  ${t('inspect.totalParams', { n: c.paramCount })}`,
  ];
}

function featureLines(p: Preprocessing, t: Translate): string[] {
  return p.features.map((f) =>
    f.kind === 'numeric'
      ? `  ${t('inspect.numericFeature', { name: f.name, mean: fmt(f.mean), scale: fmt(f.scale) })}`
      : `  ${t('inspect.categoryFeature', { name: f.name, n: f.categories.length, categories: f.categories.join(', ') })}`,
  );
}

function preprocessingLines(p: Preprocessing, t: Translate): string[] {
  const target = p.target;
  // An image's inputs are said in one line (the pixels' names run from the first to the last).
  const inputs = p.image
    ? [
        t('inspect.imageInputs', {
          shape: p.image.shape.join('×'),
          inputs: inputWidth(p),
          scale: fmt(p.image.scale),
          first: p.features[0]!.name,
          last: p.features.at(-1)!.name,
        }),
      ]
    : [
        t('inspect.inputs', {
          columns: p.features.length,
          inputs: inputWidth(p),
          normalize: p.normalize,
          missing: p.missing,
        }),
        ...featureLines(p, t),
      ];
  return [
    ...inputs,
    target.task === 'classification'
      ? t('inspect.classTarget', {
          name: target.name,
          n: target.classes.length,
          classes: target.classes.join(', '),
        })
      : t('inspect.regressionTarget', {
          name: target.name,
          mean: fmt(target.mean),
          scale: fmt(target.scale),
        }),
  ];
}

/**
 * The Keras-style summary of a weights file's network, as lines, with the summary itself (null, and
 * the reason said, when the network has no Keras form).
 */
function kerasLines(
  w: LoadedWeights,
  t: Translate,
  lang: Lang,
): { lines: string[]; keras: KerasSummary | null } {
  try {
    const keras = kerasSummary(w);
    const text = formatKerasSummary(keras)
      .split('\n')
      .map((l) => l.trimEnd());
    return { lines: [t('inspect.keras'), ...text], keras };
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    return { lines: [t('inspect.kerasNone', { problem: formatError(e, lang) })], keras: null };
  }
}

function inspectJson(
  path: string,
  text: string,
  t: Translate,
  lang: Lang,
): { lines: string[]; json: unknown } {
  // Which loader: a project names its format near the top; anything else goes to the weights loader,
  // which says what the file is if it is neither (never a second full parse just to look).
  if (/"format"\s*:\s*"backprop-studio\/project"/.test(text.slice(0, 65536))) {
    const p = inFile(path, () => parseProject(text));
    // An input of width 0 takes its width from the data; count as if there were one feature.
    const open = p.graph.nodes.some((n) => n.type === 'input' && n.units === 0);
    const c = inFile(path, () => compileGraph(p.graph, open ? { inputWidth: 1 } : {}));
    const src = p.data?.source;
    const source = src
      ? src.kind === 'builtin'
        ? t('inspect.builtinSource', { name: src.name, samples: src.samples, noise: src.noise })
        : t('inspect.csvSource', { name: src.name })
      : '';
    const lines = [
      t('inspect.project', { path, name: p.name, version: p.version }),
      src
        ? t('inspect.data', {
            source,
            target: p.data?.target ? t('inspect.dataTarget', { target: p.data.target }) : '',
          })
        : t('inspect.noData'),
      t('inspect.training', {
        optimizer: p.training.optimizer.name,
        lr: p.training.optimizer.learningRate,
        batch: p.training.batchSize,
        epochs: p.training.epochs,
        validation: p.training.validationSplit,
        seed: p.training.seed,
      }),
      open ? t('inspect.layersOpen') : t('inspect.layers'),
      ...layerTable(c, t),
      p.weights ? t('inspect.weightsIncluded') : t('inspect.weightsNone'),
      ...(p.history ? [t('inspect.history', { epochs: p.history.loss.length })] : []),
    ];
    return {
      lines,
      json: {
        kind: 'project',
        name: p.name,
        parameters: c.paramCount,
        layers: c.order.length,
        hasWeights: Boolean(p.weights),
      },
    };
  }
  const w = inFile(path, () => loadWeights(text));
  const tr = w.metadata.training;
  const keras = kerasLines(w, t, lang);
  const lines = [
    t('inspect.weights', { path, createdBy: w.metadata.createdBy, createdAt: w.metadata.createdAt }),
    ...(tr
      ? [
          t('inspect.trained', {
            epochs: tr.epochs,
            loss: tr.loss !== undefined ? t('inspect.trainedLoss', { v: fmt(tr.loss) }) : '',
            valLoss: tr.valLoss !== undefined ? t('inspect.trainedValLoss', { v: fmt(tr.valLoss) }) : '',
          }),
        ]
      : []),
    t('inspect.layers'),
    ...layerTable(w.compiled, t),
    ...preprocessingLines(w.preprocessing, t),
    ...keras.lines,
  ];
  return {
    lines,
    json: {
      kind: 'weights',
      parameters: w.compiled.paramCount,
      layers: w.compiled.order.length,
      preprocessing: w.preprocessing,
      keras: keras.keras,
    },
  };
}

function inspectCsv(path: string, t: Translate, lang: Lang): { lines: string[]; json: unknown } {
  const raw = readCsvFile(path);
  const rows = tableLength(raw);
  const cols = describeTable(raw);
  const lines = [t('inspect.csv', { path, rows, columns: raw.columns.length })];
  for (const c of cols) {
    const missing = c.missing ? t('inspect.missing', { n: c.missing }) : '';
    const bad = c.invalid
      ? t('inspect.invalid', { n: c.invalid.count, row: c.invalid.row, value: c.invalid.value })
      : '';
    if (c.type === 'numeric')
      lines.push(
        `  ${t('inspect.numericColumn', { name: c.name, distinct: c.distinct, min: fmt(c.min), max: fmt(c.max), mean: fmt(c.mean) })}${missing}${bad}`,
      );
    else
      lines.push(
        `  ${t('inspect.textColumn', { name: c.name, distinct: c.distinct })}${missing}; ${(c.top ?? []).map((v) => `${v.value} ×${v.count}`).join(', ')}${c.distinct > (c.top?.length ?? 0) ? ', …' : ''}`,
      );
  }
  let task: string;
  try {
    const p = prepareData(raw, { validationSplit: 0, seed: 1 }).preprocessing;
    const target = p.target;
    task =
      target.task === 'classification'
        ? t('inspect.csvClassTarget', {
            name: target.name,
            n: target.classes.length,
            classes: target.classes.join(', '),
          })
        : t('inspect.csvRegressionTarget', { name: target.name });
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    task = t('inspect.notReady', { problem: formatError(e, lang) });
  }
  lines.push(task);
  return { lines, json: { kind: 'csv', rows, columns: cols } };
}

export function inspectCommand(argv: string[], io: Io): number {
  const t = translator(io.lang);
  const { values, positionals } = parse('inspect', argv, { json: { type: 'boolean' } }, 1);
  const path = positionals[0];
  if (!path) throw new UsageError('usage.inspectFile');
  // Only the head is read to tell JSON from CSV; each kind is then read within its own size cap.
  const head = readHead(path, 4096);
  let start = 0;
  while (
    start < head.length &&
    (head[start] === 0x20 || head[start] === 0x0a || head[start] === 0x0d || head[start] === 0x09)
  )
    start++;
  const looksJson = path.toLowerCase().endsWith('.json') || head[start] === 0x7b;
  const project = /"format"\s*:\s*"backprop-studio\/project"/.test(new TextDecoder().decode(head));
  const r = looksJson
    ? inspectJson(path, readText(path, project ? 'project file' : 'weights file'), t, io.lang ?? 'en')
    : inspectCsv(path, t, io.lang ?? 'en');
  io.stdout.write(values.json ? `${JSON.stringify(r.json)}\n` : `${r.lines.join('\n')}\n`);
  return 0;
}
