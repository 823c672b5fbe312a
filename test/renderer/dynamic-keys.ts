/**
 * Catalogue keys the renderer builds at run time (from a block kind, an activation, a run state…),
 * so the catalogue test can count them as used. Each `${…}` template in the code that calls `td()`
 * has its expansions here.
 */
import { ACTIVATIONS, INITIALIZERS, LOSSES } from '../../engine/graph/types.ts';
import { LAYERS } from '../../engine/layers/registry.ts';
import { LR_SCHEDULES, OPTIMIZERS } from '../../engine/train/config.ts';
import { IPC_ERROR_CODES } from '../../electron/contract.ts';
import { EXPORT_CHOICES } from '../../renderer/src/lib/export-formats.ts';

const TEMPLATE_NAMES = ['logistic', 'mlp', 'skip'] as const;
const RUN_STATES = ['idle', 'ready', 'running', 'paused', 'stopped', 'done', 'failed'] as const;
const BUILTINS = ['circle', 'xor', 'gaussian', 'spirals', 'plane', 'gaussians', 'iris'] as const;
const PHASES = ['forward', 'loss', 'backward', 'update'] as const;
const METHODS = ['backprop', 'naive', 'finiteDifferences'] as const;
/** System error codes with words of their own; others read "system error <code>". */
const ERRNOS = [
  'EACCES',
  'EPERM',
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'ENOENT',
  'EISDIR',
  'ENOTDIR',
  'EBUSY',
  'EMFILE',
  'ENAMETOOLONG',
  'EIO',
] as const;

export const DYNAMIC_KEYS: readonly string[] = [
  // Each layer kind's name, hint and inspector fields (the block and the inspector read them from it).
  ...Object.values(LAYERS).flatMap((k) => [k.labelKey, k.hintKey, ...k.fields.map((f) => f.labelKey)]),
  ...TEMPLATE_NAMES.flatMap((k) => [`templates.${k}.label`, `templates.${k}.hint`]),
  ...ACTIVATIONS.map((a) => `activations.${a}`),
  ...LOSSES.flatMap((l) => [`losses.${l}`, `explain.lossRules.${l}`]),
  ...INITIALIZERS.map((i) => `initializers.${i}`),
  ...OPTIMIZERS.map((o) => `train.optimizers.${o}`),
  ...LR_SCHEDULES.map((s) => `schedule.types.${s}`),
  ...RUN_STATES.map((s) => `train.states.${s}`),
  ...BUILTINS.flatMap((b) => [`data.builtins.${b}.label`, `data.builtins.${b}.description`]),
  ...PHASES.flatMap((p) => [`explain.phases.${p}`, `explain.tags.${p}`]),
  ...(
    [
      'input',
      'add',
      'concatenate',
      'conv2d',
      'maxpool2d',
      'avgpool2d',
      'globalavgpool2d',
      'flatten',
      'reshape',
      'batchnorm',
    ] as const
  ).map((k) => `explain.notes.${k}`),
  ...METHODS.flatMap((m) => [`why.methods.${m}`, `why.shortMethods.${m}`]),
  ...IPC_ERROR_CODES.map((c) => `desktopError.codes.${c}`),
  ...(['up', 'down', 'left', 'right'] as const).map((d) => `canvas.flow.directions.${d}`),
  ...ERRNOS.map((e) => `desktopError.errno.${e}`),
  ...EXPORT_CHOICES.flatMap((c) => [
    `exportDialog.formats.${c}.label`,
    `exportDialog.formats.${c}.description`,
  ]),
];
