// `npm start`: launches the desktop app once it is part of the build; until then it says so in one line
// and shows what this version offers, the command-line trainer.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync(new URL('../electron/main.ts', import.meta.url))) {
  console.log(
    'Backprop Studio: the desktop window is not in this version yet; the engine and command-line trainer are.',
  );
  console.log(
    'Try:  npm run cli -- train --data built-in:spirals --layers 16,16 --activation tanh --epochs 300 --out spirals.weights.json\n',
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'engine/cli/bin.ts', '--help'], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
