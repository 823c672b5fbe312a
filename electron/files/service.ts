/**
 * The files the window may touch, behind tokens: open and save dialogs grant them, drops grant read
 * access to what was dropped (writing back takes a save dialog), and a recent file is granted when the
 * person picks it in the menu (the list alone grants nothing). Reads and writes go through a token
 * only; saves are atomic, keep a `.bak`, and write through a symbolic link to its file.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import type {
  ExportedFiles,
  ExportFileData,
  FileHandle,
  FileKind,
  IpcErrorCode,
  IpcErrorParams,
  OpenedFile,
  RecentFileName,
} from '../contract.ts';
import { writeFileAtomic } from './atomic-write.ts';
import type { RecentFiles } from './recent.ts';
import type { TokenStore } from './tokens.ts';

/** Files larger than this are refused (a CSV this size would not train interactively anyway). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/**
 * A refusal or failure the window words for the person (in its own language, from `code` and
 * `params`); the message is English, for logs.
 */
export class FileError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    readonly params: IpcErrorParams = {},
  ) {
    super(
      `${code}${Object.entries(params)
        .map(([k, v]) => ` ${k}=${v}`)
        .join('')}`,
    );
  }
}

/** The operating system's error code of a failed file operation (EACCES, ENOSPC, …), if it has one. */
export function systemErrorCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}
const errno = (e: unknown): string => systemErrorCode(e) ?? 'EIO';

export interface FileFilter {
  name: string;
  extensions: string[];
}

export const FILTERS: Record<FileKind, FileFilter[]> = {
  project: [{ name: 'Backprop Studio project', extensions: ['json'] }],
  csv: [{ name: 'CSV data', extensions: ['csv', 'tsv', 'txt'] }],
  weights: [{ name: 'Weights (JSON)', extensions: ['json'] }],
};

/** What a dialog that picks several files at once offers: weights are a file, or a TF.js model's files. */
export const MANY_FILTERS: Record<FileKind, FileFilter[]> = {
  ...FILTERS,
  weights: [{ name: 'Weights (JSON) or TensorFlow.js model', extensions: ['json', 'bin'] }],
};

/** Files picked together at most (a TF.js model.json and its weights shards). */
export const MAX_PICKED_FILES = 16;

/** What a dropped file is, from its name; null for files the app does not open. */
export function kindOfDroppedFile(path: string): FileKind | null {
  const name = basename(path).toLowerCase();
  if (name.endsWith('.weights.json')) return 'weights';
  if (name.endsWith('.json')) return 'project';
  if (['.csv', '.tsv', '.txt'].includes(extname(name))) return 'csv';
  return null;
}

/** The native dialogs, as main provides them (tests pass fakes). `export` saves an exported model. */
export interface Dialogs {
  open(o: { kind: FileKind; filters: FileFilter[]; defaultPath?: string }): Promise<string | null>;
  /** One dialog in which several files are picked; without it, `open` picks one. */
  openMany?(o: { kind: FileKind; filters: FileFilter[]; defaultPath?: string }): Promise<string[] | null>;
  save(o: { kind: FileKind | 'export'; filters: FileFilter[]; defaultPath: string }): Promise<string | null>;
}

export interface FileServiceOptions {
  tokens: TokenStore;
  recent: RecentFiles;
  dialogs: Dialogs;
  /** Where save dialogs start when nothing was opened yet (the Documents folder). */
  defaultDir: string;
  maxBytes?: number;
}

export interface FileService {
  openDialog(kind: FileKind): Promise<OpenedFile | null>;
  /** Files picked together, granted for reading only and read; together no larger than one file may be. */
  openManyDialog(kind: FileKind): Promise<OpenedFile[] | null>;
  saveDialog(kind: FileKind, suggestedName: string): Promise<FileHandle | null>;
  read(token: string): Promise<OpenedFile>;
  write(token: string, text: string): Promise<FileHandle>;
  /**
   * An export: a save dialog for the first file (filtered by its extension), the others written beside
   * it under their names (checked by the IPC schema: plain names); null when cancelled.
   */
  exportFiles(files: ExportFileData[]): Promise<ExportedFiles | null>;
  drop(path: string): Promise<OpenedFile>;
  /** The recent files that still exist, newest first, by name only: nothing is granted. */
  recent(): Promise<RecentFileName[]>;
  /** Grants the `index`-th file of `recent()` (the person picked it in the menu); null if it is gone. */
  openRecent(index: number): Promise<FileHandle | null>;
  /** The folders of recent files (where interrupted saves may have left temporary files). */
  recentDirs(): Promise<string[]>;
}

export function createFileService(o: FileServiceOptions): FileService {
  // A file opened or saved stays so when the recent-files list cannot be updated.
  const remember = (path: string, kind: FileKind) => o.recent.add(path, kind).catch(() => undefined);
  const maxBytes = o.maxBytes ?? MAX_FILE_BYTES;
  let lastDir = o.defaultDir;
  const handle = (token: string): FileHandle => {
    const g = o.tokens.get(token)!;
    return { token, name: basename(g.path), kind: g.kind };
  };

  async function existingRecent() {
    const out = [];
    for (const f of await o.recent.list()) {
      const ok = await stat(f.path).then(
        (s) => s.isFile(),
        () => false,
      );
      if (ok) out.push(f);
    }
    return out;
  }

  async function readGranted(token: string): Promise<OpenedFile> {
    const g = o.tokens.get(token);
    if (!g) throw new FileError('UNKNOWN_TOKEN');
    const name = basename(g.path);
    if (!o.tokens.canRead(token)) throw new FileError('NOT_READABLE', { name });
    let size: number;
    try {
      const s = await stat(g.path);
      if (!s.isFile()) throw new FileError('NOT_A_FILE', { name });
      size = s.size;
    } catch (e) {
      if (e instanceof FileError) throw e;
      throw new FileError('READ_FAILED', { name, errno: errno(e) });
    }
    if (size > maxBytes) throw new FileError('FILE_TOO_LARGE', { name, mb: maxBytes >> 20 });
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(g.path));
    } catch (e) {
      throw new FileError('READ_FAILED', { name, errno: errno(e) });
    }
    lastDir = dirname(g.path);
    return { ...handle(token), bytes };
  }

  return {
    async openDialog(kind) {
      const path = await o.dialogs.open({ kind, filters: FILTERS[kind], defaultPath: lastDir });
      if (!path) return null;
      const token = o.tokens.grant(path, kind, kind === 'project' ? 'read-write' : 'read');
      const file = await readGranted(token);
      if (kind !== 'weights') await remember(path, kind);
      return file;
    },
    async openManyDialog(kind) {
      const options = { kind, filters: MANY_FILTERS[kind], defaultPath: lastDir };
      const paths = o.dialogs.openMany
        ? await o.dialogs.openMany(options)
        : await o.dialogs.open(options).then((p) => (p ? [p] : null));
      if (!paths?.length) return null;
      if (paths.length > MAX_PICKED_FILES) throw new FileError('BAD_ARGUMENT');
      const files: OpenedFile[] = [];
      let total = 0;
      for (const path of paths) {
        const file = await readGranted(o.tokens.grant(path, kind, 'read'));
        total += file.bytes.byteLength;
        if (total > maxBytes) throw new FileError('FILE_TOO_LARGE', { name: file.name, mb: maxBytes >> 20 });
        files.push(file);
      }
      return files;
    },
    async saveDialog(kind, suggestedName) {
      const path = await o.dialogs.save({
        kind,
        filters: FILTERS[kind],
        defaultPath: join(lastDir, suggestedName),
      });
      if (!path) return null;
      return handle(o.tokens.grant(path, kind, 'write'));
    },
    read: readGranted,
    async write(token, text) {
      const g = o.tokens.get(token);
      if (!g) throw new FileError('UNKNOWN_TOKEN');
      const name = basename(g.path);
      if (!o.tokens.canWrite(token)) throw new FileError('NOT_WRITABLE', { name });
      if (Buffer.byteLength(text) > maxBytes)
        throw new FileError('FILE_TOO_LARGE', { name, mb: maxBytes >> 20 });
      try {
        await writeFileAtomic(g.path, text);
      } catch (e) {
        throw new FileError('WRITE_FAILED', { name, errno: errno(e) });
      }
      lastDir = dirname(g.path);
      if (g.kind === 'project') await remember(g.path, g.kind);
      return handle(token);
    },
    async exportFiles(files) {
      const [main, ...others] = files;
      if (!main || files.some((f) => basename(f.name) !== f.name)) throw new FileError('BAD_ARGUMENT');
      const ext = extname(main.name).slice(1);
      const path = await o.dialogs.save({
        kind: 'export',
        filters: [{ name: ext.toUpperCase(), extensions: [ext] }],
        defaultPath: join(lastDir, main.name),
      });
      if (!path) return null;
      const dir = dirname(path);
      const picked = basename(path);
      // The picked name must not be one the other files take (one would overwrite the other).
      if (others.some((f) => f.name.toLowerCase() === picked.toLowerCase()))
        throw new FileError('NOT_WRITABLE', { name: picked });
      const size = files.reduce((n, f) => n + Buffer.byteLength(f.data), 0);
      if (size > maxBytes) throw new FileError('FILE_TOO_LARGE', { name: picked, mb: maxBytes >> 20 });
      // The files the main one refers to first, so that it never names a file not yet written.
      for (const f of [...others, { ...main, name: picked }]) {
        try {
          await writeFileAtomic(join(dir, f.name), f.data, { backup: false });
        } catch (e) {
          throw new FileError('WRITE_FAILED', { name: f.name, errno: errno(e) });
        }
      }
      lastDir = dir;
      return { names: [picked, ...others.map((f) => f.name)] };
    },
    async drop(path) {
      if (!isAbsolute(path) || path.includes('\0')) throw new FileError('BAD_ARGUMENT');
      const kind = kindOfDroppedFile(path);
      if (!kind) throw new FileError('UNSUPPORTED_FILE', { name: basename(path) });
      // Reading only, whatever the kind: a window could send any path here; saving a dropped project
      // goes through a save dialog the person sees. Not remembered either: the recent list is for
      // files picked in a dialog.
      return readGranted(o.tokens.grant(path, kind, 'read'));
    },
    async recent() {
      return (await existingRecent()).map((f) => ({ name: basename(f.path), kind: f.kind }));
    },
    async openRecent(index) {
      const f = (await existingRecent())[index];
      if (!f) return null;
      // Every entry was picked in an open or save dialog once; a project may be saved back.
      return handle(o.tokens.grant(f.path, f.kind, f.kind === 'project' ? 'read-write' : 'read'));
    },
    async recentDirs() {
      return [...new Set((await o.recent.list()).map((f) => dirname(f.path)))];
    },
  };
}
