/**
 * Strict schemas for the graph as files store it: every node field of engine/graph/types.ts, nothing
 * else; ids safe to use as object keys; unique ids and existing inputs.
 */
import * as z from 'zod';
import { ACTIVATIONS, INITIALIZERS, LOSSES } from '../graph/types.ts';
import type { GraphNode } from '../graph/types.ts';
import { CAP, issueText } from './issues.ts';
import { FILE_LIMITS } from './limits.ts';

const ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A node id: letter or underscore, then letters, digits, `_ . -`; up to 64 characters; never `__proto__`. */
export const nodeIdSchema = z
  .string()
  .max(FILE_LIMITS.idLength, CAP)
  .refine((id) => ID.test(id), issueText('issue.badId'))
  .refine((id) => id !== '__proto__', issueText('issue.reservedName'));

/** A finite number (JSON cannot hold NaN; `1e400` parses to Infinity and is refused here). */
export const finite = z.number();
const units = z.int().min(1).max(FILE_LIMITS.units, CAP);
const penalty = z.number().min(0).optional();

const inputNode = z.strictObject({
  id: nodeIdSchema,
  type: z.literal('input'),
  inputs: z.tuple([]),
  units: z.int().min(0).max(FILE_LIMITS.units, CAP),
});
const denseNode = z.strictObject({
  id: nodeIdSchema,
  type: z.literal('dense'),
  inputs: z.tuple([nodeIdSchema]),
  units,
  activation: z.enum(ACTIVATIONS),
  alpha: finite.optional(),
  useBias: z.boolean(),
  kernelInitializer: z.enum(INITIALIZERS),
  l1: penalty,
  l2: penalty,
});
const activationNode = z.strictObject({
  id: nodeIdSchema,
  type: z.literal('activation'),
  inputs: z.tuple([nodeIdSchema]),
  activation: z.enum(ACTIVATIONS),
  alpha: finite.optional(),
});
const mergeInputs = z.array(nodeIdSchema).max(FILE_LIMITS.nodeInputs, CAP);
const addNode = z.strictObject({ id: nodeIdSchema, type: z.literal('add'), inputs: mergeInputs });
const concatNode = z.strictObject({ id: nodeIdSchema, type: z.literal('concatenate'), inputs: mergeInputs });
const dropoutNode = z.strictObject({
  id: nodeIdSchema,
  type: z.literal('dropout'),
  inputs: z.tuple([nodeIdSchema]),
  rate: z.number().min(0).lt(1),
});
const outputNode = z.strictObject({
  id: nodeIdSchema,
  type: z.literal('output'),
  inputs: z.tuple([nodeIdSchema]),
  loss: z.enum(LOSSES),
});

/** One graph node, discriminated by `type`. */
export const graphNodeSchema: z.ZodType<GraphNode> = z.discriminatedUnion('type', [
  inputNode,
  denseNode,
  activationNode,
  addNode,
  concatNode,
  dropoutNode,
  outputNode,
]);

/** The node list: up to FILE_LIMITS.nodes nodes, unique ids, every input naming a node of the list. */
export const nodesSchema = z
  .array(graphNodeSchema)
  .max(FILE_LIMITS.nodes, CAP)

  .superRefine((nodes, ctx) => {
    const index = new Map<string, number>();
    nodes.forEach((n, i) => {
      if (index.has(n.id))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'id'],
          ...issueText('issue.repeatsId', { id: n.id, index: index.get(n.id)! }, 'DUPLICATE_NODE_ID'),
        });
      else index.set(n.id, i);
    });
    nodes.forEach((n, i) =>
      n.inputs.forEach((src, j) => {
        if (!index.has(src))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'inputs', j],
            ...issueText('issue.notANode', { src }, 'UNKNOWN_INPUT'),
          });
      }),
    );
  });
