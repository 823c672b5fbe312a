/**
 * Limits checked before anything is allocated. `params` is what a weights file can hold (float32, 64 MB),
 * so every network that compiles, trains in the app or the CLI and can be saved. `rowSize` caps the
 * values one row of a node's output holds (an image's h·w·c), `units` a flat vector's.
 */
export const LIMITS = {
  nodes: 1000,
  units: 16384,
  params: 16_777_216,
  idLength: 64,
  rowSize: 1_048_576,
} as const;
