/**
 * Autosaved work in userData/recovery, one file per run of the app, so that work lost in a crash can be
 * offered back on the next start. Files are named by id (checked against a strict pattern, so an id can
 * never name a path) and read back through a schema.
 */
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RecoveryEntry } from '../contract.ts';
import { cleanTempFiles, writeFileAtomic } from './atomic-write.ts';

export const RECOVERY_ID = /^[A-Za-z0-9-]{1,64}$/;
const SUFFIX = '.recovery.json';

const recoveryFile = z
  .object({
    format: z.literal('backprop-studio-recovery'),
    version: z.literal(1),
    name: z.string().max(255),
    savedAt: z.number(),
    text: z.string(),
  })
  .strict();

export interface RecoveryStore {
  readonly sessionId: string;
  list(): Promise<RecoveryEntry[]>;
  read(id: string): Promise<string | null>;
  /** Autosaves this run's work. */
  write(text: string, name: string): Promise<void>;
  discard(id: string): Promise<void>;
  discardAll(): Promise<void>;
  /** Removes temporary files of interrupted autosaves. */
  clean(): Promise<void>;
}

export function createRecoveryStore(
  dir: string,
  sessionId: string,
  now: () => number = Date.now,
): RecoveryStore {
  if (!RECOVERY_ID.test(sessionId)) throw new Error('bad recovery session id');
  const pathOf = (id: string) => {
    if (!RECOVERY_ID.test(id)) throw new Error('bad recovery id');
    return join(dir, id + SUFFIX);
  };
  async function ids(): Promise<string[]> {
    try {
      return (await readdir(dir))
        .filter((n) => n.endsWith(SUFFIX))
        .map((n) => n.slice(0, -SUFFIX.length))
        .filter((id) => RECOVERY_ID.test(id));
    } catch {
      return [];
    }
  }
  async function load(id: string) {
    try {
      const r = recoveryFile.safeParse(JSON.parse(await readFile(pathOf(id), 'utf8')));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }
  return {
    sessionId,
    async list() {
      const out: RecoveryEntry[] = [];
      for (const id of await ids()) {
        const f = await load(id);
        if (!f) continue;
        const size = (await stat(pathOf(id))).size;
        out.push({ id, name: f.name, savedAt: f.savedAt, size, current: id === sessionId });
      }
      return out.sort((a, b) => b.savedAt - a.savedAt);
    },
    async read(id) {
      return (await load(id))?.text ?? null;
    },
    async write(text, name) {
      await mkdir(dir, { recursive: true });
      const body = { format: 'backprop-studio-recovery', version: 1, name, savedAt: now(), text };
      await writeFileAtomic(pathOf(sessionId), JSON.stringify(body), { backup: false });
    },
    async discard(id) {
      await unlink(pathOf(id)).catch(() => {});
    },
    async discardAll() {
      for (const id of await ids()) await unlink(pathOf(id)).catch(() => {});
    },
    async clean() {
      await cleanTempFiles(dir);
    },
  };
}
