// Child process for atomic-write.test.ts: saves numbered versions of a large project to one file
// until it is killed. Version k's text is a pure function of k, so the parent can check what it finds.
import { writeFileAtomic } from '../../electron/files/atomic-write.ts';

/** The text of version k (about 1.5 MB). */
export function projectText(k: number): string {
  const weights = Array.from({ length: 60_000 }, (_, i) => Math.sin(k * 7919 + i) * 3);
  return JSON.stringify({ format: 'backprop-studio-project', version: 1, revision: k, weights });
}

if (process.argv[2]) {
  const target = process.argv[2];
  let k = Number(process.argv[3] ?? 0);
  process.stdout.write('ready\n');
  for (;;) {
    await writeFileAtomic(target, projectText(k));
    process.stdout.write(`${k}\n`);
    k++;
  }
}
