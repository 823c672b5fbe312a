/**
 * Strict schemas for what a trained model carries besides its graph: the preprocessing record and the
 * parameter tensors ({shape, data}, Keras layout). Caps come before sizes are trusted anywhere.
 */
import * as z from 'zod';
import type { Preprocessing } from '../data/types.ts';
import { noun } from '../i18n.ts';
import { CAP, issueText } from './issues.ts';
import { FILE_LIMITS } from './limits.ts';
import { finite, nodeIdSchema } from './schema-graph.ts';

/** A name shown to people (feature, class, category, column): 1 to 256 characters. */
export const labelSchema = z.string().min(1).max(FILE_LIMITS.labelLength, CAP);

const positive = z.number().positive();

const numericFeature = z.strictObject({
  name: labelSchema,
  kind: z.literal('numeric'),
  mean: finite,
  scale: positive,
  fill: finite.nullable(),
});
const categoricalFeature = z.strictObject({
  name: labelSchema,
  kind: z.literal('categorical'),
  categories: z.array(labelSchema).min(1).max(FILE_LIMITS.categories, CAP),
  fill: labelSchema.nullable(),
});
const target = z.discriminatedUnion('task', [
  z.strictObject({
    name: labelSchema,
    task: z.literal('classification'),
    classes: z.array(labelSchema).min(2).max(FILE_LIMITS.classes, CAP),
  }),
  z.strictObject({ name: labelSchema, task: z.literal('regression'), mean: finite, scale: positive }),
]);

/** An image's shape [h, w, c] (c = 1 grey or 3 colour) and the divisor of its pixels. */
const imageSpec = z.strictObject({
  shape: z.tuple([
    z.int().min(1).max(FILE_LIMITS.features, CAP),
    z.int().min(1).max(FILE_LIMITS.features, CAP),
    z.union([z.literal(1), z.literal(3)]),
  ]),
  scale: positive,
});

/** Reports the first repeated string of `list` at `path`. */
function unique(
  list: readonly string[],
  path: (i: number) => PropertyKey[],
  what: string,
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  list.forEach((s, i) => {
    if (seen.has(s))
      ctx.addIssue({
        code: 'custom',
        path: path(i),
        ...issueText('issue.repeats', { what: noun(what), value: s }),
      });
    seen.add(s);
  });
}

/** Preprocessing: unique feature names, unique categories and classes, fills among the categories. */
export const preprocessingSchema: z.ZodType<Preprocessing> = z
  .strictObject({
    features: z
      .array(z.discriminatedUnion('kind', [numericFeature, categoricalFeature]))
      .min(1)
      .max(FILE_LIMITS.features, CAP),
    target,
    missing: z.enum(['drop', 'impute']),
    normalize: z.enum(['standard', 'none']),
    image: imageSpec.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.image) {
      const [h, w, c] = p.image.shape;
      if (h * w * c !== p.features.length)
        ctx.addIssue({
          code: 'custom',
          path: ['image', 'shape'],
          ...issueText('issue.imageSize', {
            shape: `${h}×${w}×${c}`,
            size: h * w * c,
            features: p.features.length,
          }),
        });
    }
    unique(
      p.features.map((f) => f.name),
      (i) => ['features', i, 'name'],
      'feature name',
      ctx,
    );
    p.features.forEach((f, i) => {
      if (f.kind !== 'categorical') return;
      unique(f.categories, (j) => ['features', i, 'categories', j], 'category', ctx);
      if (f.fill !== null && !f.categories.includes(f.fill))
        ctx.addIssue({
          code: 'custom',
          path: ['features', i, 'fill'],
          ...issueText('issue.fillNotCategory', { fill: f.fill }),
        });
    });
    if (p.target.task === 'classification')
      unique(p.target.classes, (j) => ['target', 'classes', j], 'class', ctx);
    const clash = p.features.findIndex((f) => f.name === p.target.name);
    if (clash >= 0)
      ctx.addIssue({
        code: 'custom',
        path: ['features', clash, 'name'],
        ...issueText('issue.alsoTarget'),
      });
  });

const dim = z.int().min(1).max(FILE_LIMITS.units, CAP);

/**
 * Tensor values: numbers a float32 holds, exactly what the writer accepts (`1e308` would become
 * Infinity in the engine, so it is refused on the way in too, at its index).
 */
const checkedData = z
  .array(finite)
  .max(FILE_LIMITS.parameters, CAP)
  .superRefine((values, ctx) => {
    for (let i = 0; i < values.length; i++) {
      if (Number.isFinite(Math.fround(values[i]!))) continue;
      ctx.addIssue({
        code: 'custom',
        path: [i],
        ...issueText('issue.beyondFloat32', { got: String(values[i]) }),
      });
      return;
    }
  });

/**
 * The same check without a copy: a long list of plain finite float32 numbers is checked in place (a
 * schema's per-element parse would allocate for each of millions of numbers); anything else, or any
 * problem, takes the full check above, so the issues are the same either way.
 */
const data = z
  .custom<number[]>(() => true)
  .superRefine((values, ctx) => {
    let clean = Array.isArray(values) && values.length >= 1024 && values.length <= FILE_LIMITS.parameters;
    for (let i = 0; clean && i < values.length; i++) {
      const v: unknown = values[i];
      clean = typeof v === 'number' && Number.isFinite(Math.fround(v));
    }
    if (clean) return;
    const r = checkedData.safeParse(values, { reportInput: true });
    if (!r.success)
      for (const issue of r.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
  });

/**
 * A layer's tensors as stored, row-major in Keras layout: a dense kernel [nIn, units], a conv2d kernel
 * [kh, kw, in, filters], a batchnorm's scale γ [units]; bias [units] (a batchnorm's offset β), absent
 * when useBias is false; a batchnorm's moving mean and moving variance [units] (only there).
 */
export const layerParametersSchema = z.strictObject({
  // Its rank is the graph's to say (checkModel compares the whole shape).
  kernel: z.strictObject({ shape: z.array(dim).min(1).max(4), data }),
  bias: z.strictObject({ shape: z.tuple([dim]), data }).optional(),
  movingMean: z.strictObject({ shape: z.tuple([dim]), data }).optional(),
  movingVariance: z.strictObject({ shape: z.tuple([dim]), data }).optional(),
});
/** One layer's stored tensors (plain numbers, validated). */
export type StoredLayer = z.output<typeof layerParametersSchema>;

/** Parameters keyed by node id (dense, conv2d and batchnorm nodes). */
export const parametersSchema = z
  .record(nodeIdSchema, layerParametersSchema)
  .refine((r) => Object.keys(r).length <= FILE_LIMITS.nodes, { error: CAP });
