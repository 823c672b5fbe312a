/**
 * A trained network as a PyTorch training script: `train_<stem>.py` (an nn.Module written out from the
 * graph, the preprocessing, the loss, optimiser and training loop of the app, on one process or several
 * with DistributedDataParallel) and its weights beside it, `<stem>_weights.npz`.
 */
import { layerOf } from '../layers/registry.ts';
import type { TorchPiece } from '../layers/kind.ts';
import { pyFloat } from '../layers/pytorch-parts.ts';
import type { FeatureSpec, Preprocessing } from '../data/types.ts';
import type { LossName, OutputNode } from '../graph/types.ts';
import { withDefaults } from '../optimizers.ts';
import { DEFAULT_TRAINING } from '../train/config.ts';
import type { TrainingConfig } from '../train/config.ts';
import { npzBytes } from './npz.ts';
import { ADAM_CLASS, RMSPROP_CLASS, SCRIPT } from './pytorch-script.ts';
import type { NpyArray } from './npz.ts';
import { uniqueNamer } from './unique-names.ts';
import type { LoadedWeights } from './weights-file.ts';

/** The script's and its weights' file names for a stem. */
export const pytorchFiles = (stem: string): { script: string; weights: string } => ({
  script: `train_${stem}.py`,
  weights: `${stem}_weights.npz`,
});

/** Python's keywords, and the names `forward` reads besides its variables. */
const PYTHON_RESERVED = new Set([
  ...'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
  'torch',
  'nn',
  'F',
  'self',
  'return_logits',
  // Built-ins a reader expects to keep their meaning.
  ...'abs dict filter float int len list map max min print range str sum'.split(' '),
]);

/** nn.Module's own members (PyTorch 1.13 and later): a layer attribute of these names would hide them. */
const MODULE_MEMBERS = new Set(
  (
    'T_destination add_module apply bfloat16 buffers call_super_init children compile cpu cuda double ' +
    'dump_patches eval extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half ' +
    'ipu load_state_dict modules mtia named_buffers named_children named_modules named_parameters ' +
    'parameters register_backward_hook register_buffer register_forward_hook register_forward_pre_hook ' +
    'register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook ' +
    'register_load_state_dict_pre_hook register_module register_parameter register_state_dict_post_hook ' +
    'register_state_dict_pre_hook requires_grad_ set_extra_state set_submodule share_memory smart_apply ' +
    'state_dict to to_empty train training type xpu zero_grad'
  ).split(' '),
);

/**
 * Python identifiers for the node ids, one each: characters other than letters, digits and `_` become
 * `_`; a leading underscore gets an `n` before it (no private or mangled names); a keyword, a name
 * `forward` reads or a member of nn.Module gets a `_` after it; a name taken gets `_2`, `_3`, ….
 */
function pythonNames(ids: readonly string[]): {
  nameOf: Map<string, string>;
  unique: (base: string) => string;
} {
  const unique = uniqueNamer();
  const nameOf = new Map<string, string>();
  for (const id of ids) {
    let name = id.replace(/[^A-Za-z0-9_]/g, '_');
    if (/^[0-9_]/.test(name)) name = `n${name}`;
    if (PYTHON_RESERVED.has(name) || MODULE_MEMBERS.has(name)) name = `${name}_`;
    nameOf.set(id, unique(name));
  }
  return { nameOf, unique };
}

/** A string as a Python literal (JSON's escapes are Python's). */
const pyString = (s: string): string => JSON.stringify(s);
const pyBool = (b: boolean): string => (b ? 'True' : 'False');
const pyList = (items: readonly string[]): string => `[${items.join(', ')}]`;

function featureLiteral(f: FeatureSpec): string {
  if (f.kind === 'numeric')
    return `{"name": ${pyString(f.name)}, "kind": "numeric", "mean": ${pyFloat(f.mean)}, "scale": ${pyFloat(f.scale)}, "fill": ${f.fill === null ? 'None' : pyFloat(f.fill)}}`;
  return `{"name": ${pyString(f.name)}, "kind": "categorical", "categories": ${pyList(f.categories.map(pyString))}, "fill": ${f.fill === null ? 'None' : pyString(f.fill)}}`;
}

function targetLiteral(p: Preprocessing): string {
  const t = p.target;
  if (t.task === 'regression')
    return `{"name": ${pyString(t.name)}, "task": "regression", "mean": ${pyFloat(t.mean)}, "scale": ${pyFloat(t.scale)}}`;
  return `{"name": ${pyString(t.name)}, "task": "classification", "classes": ${pyList(t.classes.map(pyString))}}`;
}

/** The loss as the app computes it (Keras's definitions; the cross-entropies from the logits). */
const LOSS_CODE: Record<LossName, { doc: string; call: string }> = {
  mse: { doc: 'Mean squared error over rows and outputs.', call: 'F.mse_loss(model(x), y)' },
  mae: { doc: 'Mean absolute error over rows and outputs.', call: 'F.l1_loss(model(x), y)' },
  binary_crossentropy: {
    doc: "Binary cross-entropy from the sigmoid's input z (the logits): the mean over rows and\n    outputs of max(z, 0) - z*y + log(1 + exp(-|z|)), finite for any z.",
    call: 'F.binary_cross_entropy_with_logits(model(x, return_logits=True), y)',
  },
  categorical_crossentropy: {
    doc: "Categorical cross-entropy from the softmax's input z (the logits): the mean over rows of\n    -sum(y * log_softmax(z)), finite for any z.",
    call: 'F.cross_entropy(model(x, return_logits=True), y)',
  },
};

/** The Network class: __init__ creating each node's module, forward in topological order. */
function networkClass(loaded: LoadedWeights): {
  code: string;
  layers: [string, string][];
  penalties: string[];
} {
  const { compiled } = loaded;
  const { nameOf, unique } = pythonNames(compiled.order.map((n) => n.id));
  const init: string[] = [];
  const body: string[] = [];
  const layers: [string, string][] = [];
  const penalties: string[] = [];
  const valueOf = new Map<string, string>();
  const inputName = nameOf.get(compiled.inputId)!;
  let result = inputName;
  for (const node of compiled.order) {
    const name = nameOf.get(node.id)!;
    const kind = layerOf(node.type);
    const piece: TorchPiece = kind.pytorch(node, {
      name,
      inputs: node.inputs.map((id) => valueOf.get(id)!),
      width: compiled.width.get(node.id)!,
      inputWidths: node.inputs.map((id) => compiled.width.get(id)!),
      shape: compiled.shape.get(node.id)!,
      inputShapes: node.inputs.map((id) => compiled.shape.get(id)!),
    });
    if (piece.module) init.push(`        self.${name} = ${piece.module}`);
    if (piece.weights?.includes('kernel')) {
      layers.push([node.id, name]);
      const { l1, l2 } = kind.penalties(node);
      if (l1) penalties.push(`${pyFloat(l1)} * net.${name}.weight.abs().sum()`);
      if (l2) penalties.push(`${pyFloat(l2)} * net.${name}.weight.pow(2).sum()`);
    }
    if (piece.value === null) {
      valueOf.set(node.id, node.inputs.length ? valueOf.get(node.inputs[0]!)! : inputName);
      if (node.id === compiled.outputId) result = valueOf.get(node.id)!;
      continue;
    }
    const act = piece.activation ?? null;
    if (node.id === compiled.fusedId && act) {
      // The loss reads the logits: forward stops there when asked for them.
      let logits = piece.value;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(logits)) {
        logits = unique(`${name}_logits`);
        body.push(`        ${logits} = ${piece.value}`);
      }
      body.push('        if return_logits:', `            return ${logits}`);
      body.push(`        ${name} = ${act(logits)}`);
    } else {
      body.push(`        ${name} = ${act ? act(piece.value) : piece.value}`);
    }
    valueOf.set(node.id, name);
  }
  body.push(`        return ${result}`);
  const fused = compiled.fusedId !== null;
  const drawn = compiled.order
    .filter((n) => n.inputs.length > 0)
    .map((n) => `        ${n.id} (${n.type}) <- ${n.inputs.join(', ')}`);
  const code = [
    'class Network(nn.Module):',
    '    """The drawn network, node by node (attributes and variables are the node ids):',
    '',
    ...drawn,
    '',
    fused
      ? '    forward gives what the app gives (probabilities); forward(x, return_logits=True) stops at the\n    logits, the input of the final sigmoid or softmax, which the loss reads.\n    """'
      : '    forward gives what the app gives: the standardised target (see TARGET).\n    """',
    '',
    '    def __init__(self):',
    '        super().__init__()',
    ...(init.length ? init : ['        pass']),
    '',
    `    def forward(self, ${inputName}${fused ? ', return_logits=False' : ''}):`,
    ...body,
  ].join('\n');
  return { code, layers, penalties };
}

/** The optimiser: PyTorch's SGD where it computes what ours does, Keras's updates written out otherwise. */
function optimizerCode(training: TrainingConfig): { make: string; classes: string } {
  const c = withDefaults(training.optimizer);
  switch (c.name) {
    case 'sgd':
      return { make: '    return torch.optim.SGD(parameters, lr=lr)', classes: '' };
    case 'momentum':
      return {
        make:
          c.momentum === 0
            ? '    return torch.optim.SGD(parameters, lr=lr)'
            : [
                "    # Keras's momentum (v = m*v - lr*g; w += v, or w += m*v - lr*g with Nesterov) is PyTorch's",
                '    # (b = m*b + g; w -= lr*b, or w -= lr*(g + m*b)) with v = -lr*b: the same steps.',
                `    return torch.optim.SGD(parameters, lr=lr, momentum=${pyFloat(c.momentum)}, nesterov=${pyBool(c.nesterov)})`,
              ].join('\n'),
        classes: '',
      };
    case 'rmsprop':
      return {
        make: `    return KerasRMSprop(parameters, lr=lr, rho=${pyFloat(c.rho)}, epsilon=${pyFloat(c.epsilon)})`,
        classes: RMSPROP_CLASS,
      };
    case 'adam':
      return {
        make: `    return KerasAdam(parameters, lr=lr, beta1=${pyFloat(c.beta1)}, beta2=${pyFloat(c.beta2)}, epsilon=${pyFloat(c.epsilon)})`,
        classes: ADAM_CLASS,
      };
  }
}

/** The training settings as the script's TRAINING literal. */
function trainingLiteral(t: TrainingConfig, known: boolean): string {
  const c = withDefaults(t.optimizer);
  const lines = [
    known
      ? "# The run's training settings; the command line overrides some of them (--help)."
      : "# The app's default training settings (the run's own were not known when this was exported);\n# the command line overrides some of them (--help).",
    'TRAINING = {',
    `    "optimizer": ${pyString(c.name)},`,
    `    "learning_rate": ${pyFloat(c.learningRate)},`,
    `    "batch_size": ${t.batchSize},`,
    `    "epochs": ${t.epochs},`,
    `    "validation_split": ${pyFloat(t.validationSplit)},`,
    `    "shuffle": ${pyBool(t.shuffle)},`,
    `    "seed": ${t.seed},`,
    '}',
  ];
  return lines.join('\n');
}

/**
 * Exports loaded weights (`loadWeights`) as a PyTorch training script and its weights: `script` is the
 * text of `train_<stem>.py`, `weights` the bytes of `<stem>_weights.npz` (one float32 array per dense
 * node: `<id>/kernel` [nIn, units] as ours, and `<id>/bias`). Each node writes its piece of the
 * nn.Module (`LayerKind.pytorch`); the loss, the kernel penalties (the nodes' own and the settings'
 * L2 on dense nodes without one, as the app adds it), the optimiser, the batches and the validation
 * split are the app's, from `training` (the app's defaults when absent, and the script says so).
 */
export function exportPytorch(
  loaded: LoadedWeights,
  options: { stem: string; training?: TrainingConfig },
): { script: string; weights: Uint8Array } {
  const { compiled, parameters, preprocessing } = loaded;
  const training = options.training ?? DEFAULT_TRAINING;
  const files = pytorchFiles(options.stem);
  const l2 = training.l2 ?? 0;
  // The settings' L2 on every dense node without a penalty of its own, as the app trains it.
  const withL2: LoadedWeights =
    l2 > 0
      ? {
          ...loaded,
          compiled: {
            ...compiled,
            order: compiled.order.map((n) => (n.type === 'dense' && !n.l1 && !n.l2 ? { ...n, l2 } : n)),
          },
        }
      : loaded;
  const net = networkClass(withL2);
  const arrays: NpyArray[] = [];
  for (const [id] of net.layers) {
    const p = parameters.get(id);
    if (!p) throw new Error(`No weights for "${id}"`);
    const shape = compiled.params.find((q) => q.nodeId === id)!.stored;
    arrays.push({ name: `${id}/kernel`, shape, values: p.kernel });
    if (p.bias) arrays.push({ name: `${id}/bias`, shape: [p.bias.length], values: p.bias });
    if (p.movingMean && p.movingVariance) {
      arrays.push({ name: `${id}/movingMean`, shape: [p.movingMean.length], values: p.movingMean });
      arrays.push({
        name: `${id}/movingVariance`,
        shape: [p.movingVariance.length],
        values: p.movingVariance,
      });
    }
  }
  const output = compiled.order.find((n) => n.id === compiled.outputId) as OutputNode;
  const loss = LOSS_CODE[output.loss];
  const optimizer = optimizerCode(training);
  const outputs = compiled.width.get(compiled.outputId)!;
  const script = SCRIPT.replace(/@@(\w+)@@/g, (_m, key: string) => {
    switch (key) {
      case 'SCRIPT':
        return files.script;
      case 'WEIGHTS':
        return files.weights;
      case 'STEM':
        return options.stem;
      case 'FEATURES':
        return preprocessing.features.map((f) => `    ${featureLiteral(f)},`).join('\n');
      case 'TARGET':
        return targetLiteral(preprocessing);
      case 'OUTPUTS':
        return String(outputs);
      case 'LOSS':
        return pyString(output.loss);
      case 'TRAINING':
        return trainingLiteral(training, options.training !== undefined);
      case 'LAYERS':
        return `{${net.layers.map(([id, name]) => `${pyString(id)}: ${pyString(name)}`).join(', ')}}`;
      case 'NETWORK':
        return net.code;
      case 'LOSS_DOC':
        return loss.doc;
      case 'LOSS_CALL':
        return loss.call;
      case 'PENALTY':
        return net.penalties.length === 0
          ? '    return 0.0  # no dense node has a kernel penalty'
          : net.penalties.length === 1
            ? `    return ${net.penalties[0]!}`
            : ['    return (', `        ${net.penalties.join('\n        + ')}`, '    )'].join('\n');
      case 'OPTIMIZER':
        return optimizer.make;
      case 'OPTIMIZER_CLASSES':
        return optimizer.classes;
      default:
        throw new Error(`Unknown placeholder ${key}`);
    }
  });
  return { script, weights: npzBytes(arrays) };
}
