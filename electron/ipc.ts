/**
 * Every IPC handler, registered through one wrapper that first checks the sender (the main window's
 * top frame on the app's origin), then the arguments against a schema (extra or missing arguments are
 * refused too), and answers `{ ok, value } | { ok: false, error }`: nothing throws across the boundary.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { Channel, EXPORT_LIMITS, FILE_KINDS } from './contract.ts';
import type { ChannelArgs, ChannelResult, IpcErrorCode, IpcErrorParams, IpcResult } from './contract.ts';
import { FileError, MAX_FILE_BYTES, systemErrorCode } from './files/service.ts';
import { RECOVERY_ID } from './files/recovery.ts';
import type { SenderInfo } from './security.ts';

const kind = z.enum(FILE_KINDS);
const token = z.string().regex(/^[0-9a-f-]{36}$/);
const text = z.string().max(MAX_FILE_BYTES);
/** A bare file name for a save dialog's suggestion: no folders, no drive, no control characters. */
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine(
    (n) => ![...n].some((c) => '/\\:'.includes(c) || c.charCodeAt(0) < 32) && n !== '.' && n !== '..',
    'a file name without folders',
  );
const recoveryId = z.string().regex(RECOVERY_ID);
/**
 * An exported file's name, written beside the one the person picked: letters, digits, `_`, `-` and
 * `.`, not starting with a dot, no `..`, ending in one of the export extensions.
 */
const EXPORT_NAME = new RegExp(
  `^[A-Za-z0-9_][A-Za-z0-9_.-]{0,120}\\.(${EXPORT_LIMITS.extensions.join('|')})$`,
);
const exportName = z
  .string()
  .max(128)
  .refine((n) => EXPORT_NAME.test(n) && !n.includes('..'), 'a plain export file name');
const byteSize = (d: string | Uint8Array) => (typeof d === 'string' ? Buffer.byteLength(d) : d.byteLength);
const exportFiles = z
  .array(
    z
      .object({
        name: exportName,
        data: z.union([text, z.instanceof(Uint8Array).refine((b) => b.byteLength <= MAX_FILE_BYTES)]),
      })
      .strict(),
  )
  .min(1)
  .max(EXPORT_LIMITS.files)
  .refine(
    (files) => new Set(files.map((f) => f.name.toLowerCase())).size === files.length,
    'distinct file names',
  )
  .refine((files) => files.reduce((n, f) => n + byteSize(f.data), 0) <= MAX_FILE_BYTES, 'at most 256 MB');

export const argumentSchemas = {
  [Channel.documentState]: z.tuple([z.object({ edited: z.boolean(), title: z.string().max(200) }).strict()]),
  [Channel.openDialog]: z.tuple([kind]),
  [Channel.openManyDialog]: z.tuple([kind]),
  [Channel.saveDialog]: z.tuple([kind, fileName]),
  [Channel.read]: z.tuple([token]),
  [Channel.write]: z.tuple([token, text]),
  [Channel.exportFiles]: z.tuple([exportFiles]),
  [Channel.drop]: z.tuple([z.string().min(1).max(4096)]),
  [Channel.recentList]: z.tuple([]),
  [Channel.recoveryList]: z.tuple([]),
  [Channel.recoveryRead]: z.tuple([recoveryId]),
  [Channel.recoveryWrite]: z.tuple([text, z.string().max(255)]),
  [Channel.recoveryDiscard]: z.tuple([z.union([recoveryId, z.literal('*')])]),
  [Channel.engineConnect]: z.tuple([]),
} satisfies { [C in Channel]: z.ZodType<ChannelArgs<C>> & z.ZodTuple };

type Schemas = typeof argumentSchemas;
/** A handler may leave out a `null` result (the wrapper answers null for undefined). */
type HandlerResult<C extends Channel> = [ChannelResult<C>] extends [null] ? void | null : ChannelResult<C>;
/** Every channel's handler: its checked arguments in, the contract's result out. */
export type Handlers = {
  [C in Channel]: (
    args: z.infer<Schemas[C]>,
    event: IpcMainInvokeEvent,
  ) => HandlerResult<C> | Promise<HandlerResult<C>>;
};

/** What main can tell about an invoke's sender. */
export function senderInfo(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): SenderInfo {
  const frame = event.senderFrame;
  return {
    webContentsId: event.sender.id,
    frameUrl: frame?.url ?? null,
    isMainFrame: !!frame && frame.parent === null,
  };
}

function failure(code: IpcErrorCode, message: string, params: IpcErrorParams = {}): IpcResult<never> {
  return { ok: false, error: { code, message, params } };
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
}

/** Registers a handler for every channel. */
export function registerIpc(
  ipcMain: IpcMainLike,
  handlers: Handlers,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
): void {
  for (const channel of Object.values(Channel)) {
    const schema = argumentSchemas[channel] as z.ZodType<unknown[]>;
    const run = handlers[channel] as (args: unknown, event: IpcMainInvokeEvent) => unknown;
    ipcMain.handle(channel, async (event, ...args): Promise<IpcResult<unknown>> => {
      if (!isTrusted(event)) return failure('BAD_SENDER', `Refused ${channel} from an unknown sender.`);
      const parsed = schema.safeParse(args);
      if (!parsed.success)
        return failure('BAD_ARGUMENT', `Bad arguments for ${channel}: ${parsed.error.issues[0]?.message}`);
      try {
        return { ok: true, value: (await run(parsed.data, event)) ?? null };
      } catch (e) {
        if (e instanceof FileError) return failure(e.code, e.message, e.params);
        // The exception's text may hold paths (the user's name, folders): it stays in main's log, and
        // the window gets the system error code only.
        console.error(`${channel} failed:`, e);
        const errno = systemErrorCode(e);
        return failure('IO_ERROR', errno ? `IO_ERROR ${errno}` : 'IO_ERROR', errno ? { errno } : {});
      }
    });
  }
}
