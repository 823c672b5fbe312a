/**
 * Recently used files, kept in userData as JSON. The file is read through a schema (a hand-edited or
 * damaged list is ignored, never trusted), holds absolute paths only, and is capped in length.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { z } from 'zod';
import type { FileKind } from '../contract.ts';
import { writeFileAtomic } from './atomic-write.ts';

export const MAX_RECENT = 10;

const entry = z
  .object({
    path: z
      .string()
      .min(1)
      .max(4096)
      .refine((p) => isAbsolute(p) && !p.includes('\0'), 'an absolute path'),
    kind: z.enum(['project', 'csv', 'weights']),
    openedAt: z.number().int().nonnegative(),
  })
  .strict();
const recentFile = z.object({ version: z.literal(1), files: z.array(entry).max(100) }).strict();

export type RecentEntry = z.infer<typeof entry>;

export interface RecentFiles {
  list(): Promise<RecentEntry[]>;
  add(path: string, kind: FileKind): Promise<RecentEntry[]>;
  clear(): Promise<void>;
}

/** Parses the stored list; anything malformed gives an empty list. */
export function parseRecent(text: string): RecentEntry[] {
  try {
    const r = recentFile.safeParse(JSON.parse(text));
    return r.success ? r.data.files.slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

export function createRecentFiles(file: string, now: () => number = Date.now): RecentFiles {
  async function load(): Promise<RecentEntry[]> {
    try {
      return parseRecent(await readFile(file, 'utf8'));
    } catch {
      return [];
    }
  }
  async function store(files: RecentEntry[]): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, JSON.stringify({ version: 1, files }, null, 2), { backup: false });
  }
  return {
    list: load,
    async add(path, kind) {
      const files = [{ path, kind, openedAt: now() }, ...(await load()).filter((f) => f.path !== path)].slice(
        0,
        MAX_RECENT,
      );
      entry.parse(files[0]);
      await store(files);
      return files;
    },
    async clear() {
      await store([]);
    },
  };
}
