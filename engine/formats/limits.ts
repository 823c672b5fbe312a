/**
 * Caps on what a file may hold, checked before anything is allocated: text length first (a file larger
 * than that is not even read), then, in one pass over the text before it is parsed, how many values,
 * strings and objects or lists it holds and how deep they nest (so that no object is built for a file
 * that could not be valid, and memory stays a small multiple of the text), then counts and shapes (by
 * the schemas), then parameter totals (before any typed array).
 */
import { LIMITS } from '../graph/compile.ts';

/** Limits shared by the weights and project formats. */
export const FILE_LIMITS = {
  /** Characters of JSON text (about 256 MB); checked before parsing. */
  textLength: 256 * 1024 * 1024,
  /** Nesting of arrays and objects; both formats need fewer than 10 levels. */
  depth: 32,
  /**
   * Numbers, strings, true, false and null in one file: every parameter of the largest network plus
   * four full history series, with room to spare. Each costs at most 8 bytes once parsed (a number in a
   * list), so a file within these caps parses to a small multiple of its text.
   */
  values: 33_554_432,
  /** Strings (names of nodes, features, categories, classes). */
  strings: 1_000_000,
  /**
   * Objects and lists (the expensive kind once parsed: a `{}` of 3 characters costs 50 bytes or more).
   * The largest valid file has about 30,000: features with their categories, nodes, parameter tensors.
   */
  containers: 200_000,
  nodes: LIMITS.nodes,
  units: LIMITS.units,
  /** Inputs of one add or concatenate node. */
  nodeInputs: 64,
  /**
   * Numbers in all parameter tensors together (float32: 64 MB; as text roughly 200 MB): the graph
   * compiler's own limit, so a network that trains can always be saved.
   */
  parameters: LIMITS.params,
  idLength: LIMITS.idLength,
  /** Feature, class and category names, dataset names, creator strings. */
  labelLength: 256,
  /** Free text such as a description. */
  textField: 10_000,
  pathLength: 4096,
  /** Inputs: a 256 × 256 grey image has 65,536 (engine/data/images.ts MAX_IMAGE_INPUTS). */
  features: 65_536,
  categories: 10_000,
  classes: 10_000,
  /** Entries in each per-epoch history series. */
  historyLength: 1_000_000,
  samples: 10_000_000,
} as const;
