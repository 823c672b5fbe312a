/**
 * Strict schemas for the graph as files store it: every node field of engine/graph/types.ts, nothing
 * else; ids safe to use as object keys; unique ids and existing inputs.
 */
import * as z from 'zod';
import { NODE_TYPES } from '../graph/types.ts';
import type { GraphNode } from '../graph/types.ts';
import { layerOf } from '../layers/registry.ts';
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

/**
 * The node schemas, one per registered kind (engine/layers/<kind>.ts), with single-input nodes taking
 * exactly one input, or (in a draft, which a project file may hold while the network is being drawn)
 * none yet; merges take a list (their count is the compiler's to check) and the input none.
 */
function nodeSchemas(draft: boolean) {
  const one = draft ? z.array(nodeIdSchema).max(1) : z.tuple([nodeIdSchema]);
  const many = z.array(nodeIdSchema).max(FILE_LIMITS.nodeInputs, CAP);
  const none = z.tuple([]);
  const schemas = NODE_TYPES.map((type) => {
    const kind = layerOf(type);
    const [lo, hi] = kind.arity;
    const inputs = (hi === 0 ? none : lo === 1 && hi === 1 ? one : many) as z.ZodType<string[]>;
    return kind.schema({ id: nodeIdSchema, inputs });
  });
  return z.discriminatedUnion(
    'type',
    schemas as unknown as Parameters<typeof z.discriminatedUnion>[1],
  ) as unknown as z.ZodType<GraphNode>;
}

/** One graph node, discriminated by `type`. */
export const graphNodeSchema: z.ZodType<GraphNode> = nodeSchemas(false);

/** The node list: up to FILE_LIMITS.nodes nodes, unique ids, every input naming a node of the list. */
const nodeList = (node: z.ZodType<GraphNode>) =>
  z
    .array(node)
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

/** The node list: up to FILE_LIMITS.nodes nodes, unique ids, every input naming a node of the list. */
export const nodesSchema = nodeList(graphNodeSchema);

/**
 * The node list of a network still being drawn (a project file, the app's save request): as
 * `nodesSchema`, but a block may be unconnected yet. Such a graph saves and reopens as it is; it only
 * has to compile to train or to carry weights.
 */
export const draftNodesSchema = nodeList(nodeSchemas(true));
