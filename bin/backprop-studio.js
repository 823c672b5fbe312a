#!/usr/bin/env node
// The installed command: runs the compiled CLI (npm run build:cli), or the TypeScript source through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../out/cli/engine/cli/main.js', import.meta.url);
if (existsSync(built)) {
  const { runFromProcess } = await import(built.href);
  runFromProcess();
} else {
  await import('tsx/esm/api').then(({ register }) => register());
  const { runFromProcess } = await import(new URL('../engine/cli/main.ts', import.meta.url).href);
  runFromProcess();
}
