/**
 * For `tsc -p tsconfig.json` (lib ES2022, no DOM), which checks the renderer's state modules through
 * these tests: the runes ($state, $derived…) come from Svelte's types, and the browser globals the
 * state classes use are declared here (the tests stub them).
 */
/// <reference types="svelte" />
declare function requestAnimationFrame(callback: (time: number) => void): number;
declare function cancelAnimationFrame(handle: number): void;
