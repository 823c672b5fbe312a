// comlink ships no .d.mts for its ESM node adapter; reuse the CommonJS declaration.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  export { default } from 'comlink/dist/esm/node-adapter';
}
