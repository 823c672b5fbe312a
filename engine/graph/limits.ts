/**
 * Limits checked before anything is allocated. `params` is what a weights file can hold (float32, 64 MB),
 * so every network that compiles, trains in the app or the CLI and can be saved.
 */
export const LIMITS = { nodes: 1000, units: 16384, params: 16_777_216, idLength: 64 } as const;
