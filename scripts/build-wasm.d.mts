/** The text of engine/kernels/wasm/modules.ts as the .wat sources make it now. */
export function generateModules(): Promise<string>;
/** Where the generated modules live. */
export const MODULES_PATH: URL;
