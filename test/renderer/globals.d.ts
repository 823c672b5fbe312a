/**
 * For `tsc -p tsconfig.json` (lib ES2022, no DOM), which checks the renderer's state modules through
 * these tests: the runes ($state, $derived…) come from Svelte's types, and the one browser global the
 * state classes use is declared here (the tests stub it).
 */
/// <reference types="svelte" />
declare function requestAnimationFrame(callback: (time: number) => void): number;
