/**
 * The app's side of the engine: a Comlink proxy to a host process, supervised. Comlink alone leaves a
 * call pending forever when the host dies; here every pending call is rejected with an
 * EngineUnavailableError, the host is restarted, and `restoreRun()` replays the data, the run and the last
 * checkpoint. A heartbeat catches a host that hangs (an endless loop) and restarts it the same way.
 */
import * as Comlink from 'comlink';
import type { Checkpoint, DataSource, EngineApi, RunRequest, RunStatus } from '../api.ts';
import type { Result } from '../errors.ts';
import { renderMessage } from '../i18n.ts';
import type { MessageParams, MessageRef } from '../i18n.ts';
import { exitReason } from './exit-reason.ts';

/** A running host: its message endpoint, a way to end it, and notice of its end. */
export interface HostProcess {
  endpoint: Comlink.Endpoint;
  kill(): void;
  /** Registers the listener for the host's end (crash, exit, error); called at most once. */
  onExit(listener: (reason: MessageRef) => void): void;
}

/** The host went away (`error` has the catalogue key and params to word it) or came back. */
export type EngineEvent =
  | {
      type: 'crashed' | 'hung';
      /** English text, for logs. */
      message: string;
      error: { code: 'ENGINE_CRASHED' | 'ENGINE_HUNG'; message: string; key: string; params: MessageParams };
    }
  | { type: 'restarted'; generation: number };

/** Why a call could not be answered: the host died or stopped answering. */
export class EngineUnavailableError extends Error {
  readonly code: 'ENGINE_CRASHED' | 'ENGINE_HUNG';
  /** Catalogue key and params of the message, for `formatError`. */
  readonly key: string;
  readonly params: MessageParams;
  constructor(code: 'ENGINE_CRASHED' | 'ENGINE_HUNG', key: string, params: MessageParams = {}) {
    super(renderMessage('en', key, params));
    this.name = 'EngineUnavailableError';
    this.code = code;
    this.key = key;
    this.params = params;
  }
}

export interface EngineClientOptions {
  spawn: () => HostProcess;
  /** How often the host is pinged, in ms (0: no heartbeat). */
  heartbeatMs?: number;
  /** A ping unanswered this long means the host hung. */
  hangTimeoutMs?: number;
  /**
   * Calls that may keep the host busy in one synchronous stretch (setting up a run on millions of
   * rows): while one is under way, the host is judged hung only after `longCallTimeoutMs`.
   */
  longCalls?: readonly string[];
  longCallTimeoutMs?: number;
  /** A new host that has not answered at all after this long counts as hung too. */
  startupTimeoutMs?: number;
  /** Take a checkpoint this often while training, in ms (0: never automatically). */
  checkpointMs?: number;
  onEvent?: (e: EngineEvent) => void;
}

export interface EngineClient {
  /** The engine API; calls reject only with EngineUnavailableError. */
  readonly api: EngineApi;
  /** Restarts of the host so far. */
  readonly generation: number;
  readonly lastCheckpoint: Checkpoint | null;
  /** Takes a checkpoint now and keeps it for `restoreRun`. */
  checkpointNow(): Promise<void>;
  /** After a restart: loads the last data, recreates the last run and restores the last checkpoint. */
  restoreRun(): Promise<Result<RunStatus> | null>;
  /** Forgets the last run and checkpoint: a later `restoreRun` loads the data only. */
  forgetRun(): void;
  close(): void;
}

type Method = keyof EngineApi;
type Pending = { reject: (e: Error) => void };

/** The engine's calls that can take seconds in one synchronous stretch on a large table. */
const LONG_CALLS = ['loadData', 'describeTarget', 'createRun', 'restore', 'reset', 'exportProject'];

export function createEngineClient(o: EngineClientOptions): EngineClient {
  const heartbeatMs = o.heartbeatMs ?? 1000;
  const hangTimeoutMs = o.hangTimeoutMs ?? 5000;
  const longCalls = new Set(o.longCalls ?? LONG_CALLS);
  const longCallTimeoutMs = o.longCallTimeoutMs ?? 60_000;
  /** Long calls under way (see `longCalls`). */
  let longPending = 0;
  const startupTimeoutMs = o.startupTimeoutMs ?? 30_000;
  let host: HostProcess;
  let remote: Comlink.Remote<EngineApi>;
  let generation = 0;
  let closed = false;
  let pending = new Set<Pending>();
  let lastData: DataSource | null = null;
  let lastRun: RunRequest | null = null;
  let lastCheckpoint: Checkpoint | null = null;
  let pingSince: number | null = null;
  /** The current host has answered once; before that it may still be starting (loading code). */
  let ready = false;
  let spawnedAt = 0;

  function connect(): void {
    host = o.spawn();
    ready = false;
    spawnedAt = Date.now();
    remote = Comlink.wrap<EngineApi>(host.endpoint);
    const gen = generation;
    host.onExit((reason) => fail(gen, 'ENGINE_CRASHED', reason));
  }

  /** The host at generation `gen` is gone: reject what waits on it, start a new one. */
  function fail(gen: number, code: 'ENGINE_CRASHED' | 'ENGINE_HUNG', reason: MessageRef): void {
    if (gen !== generation || closed) return;
    generation++;
    pingSince = null;
    longPending = 0;
    const key = code === 'ENGINE_HUNG' ? 'host.hung' : 'host.crashed';
    const { message } = new EngineUnavailableError(code, key, { reason });
    const waiting = pending;
    pending = new Set();
    for (const p of waiting) p.reject(new EngineUnavailableError(code, key, { reason }));
    o.onEvent?.({
      type: code === 'ENGINE_HUNG' ? 'hung' : 'crashed',
      message,
      error: { code, message, key, params: { reason } },
    });
    try {
      remote[Comlink.releaseProxy]();
    } catch {
      // the endpoint may already be closed
    }
    host.kill();
    connect();
    o.onEvent?.({ type: 'restarted', generation });
  }

  function call<M extends Method>(method: M, args: Parameters<EngineApi[M]>): ReturnType<EngineApi[M]> {
    if (closed)
      return Promise.reject(new EngineUnavailableError('ENGINE_CRASHED', 'host.closed')) as ReturnType<
        EngineApi[M]
      >;
    const long = longCalls.has(method);
    const gen = generation;
    if (long) longPending++;
    const done = () => {
      if (long && gen === generation) longPending--;
    };
    return new Promise((resolve, reject) => {
      const entry: Pending = { reject };
      pending.add(entry);
      const fn = remote[method] as unknown as (...a: unknown[]) => Promise<unknown>;
      fn(...args).then(
        (v) => {
          done();
          ready = true;
          if (pending.delete(entry)) resolve(v as never);
        },
        (e: unknown) => {
          done();
          if (pending.delete(entry)) reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    }) as ReturnType<EngineApi[M]>;
  }

  const api = new Proxy({} as EngineApi, {
    get(_t, prop) {
      if (typeof prop !== 'string') return undefined;
      return async (...args: unknown[]) => {
        const result = (await call(prop as Method, args as never)) as Result<unknown>;
        if (result.ok && prop === 'loadData') lastData = args[0] as DataSource;
        if (result.ok && prop === 'createRun') {
          lastRun = args[0] as RunRequest;
          lastCheckpoint = null;
        }
        if (result.ok && prop === 'checkpoint') lastCheckpoint = result.value as Checkpoint;
        return result;
      };
    },
  });

  connect();
  const timers: ReturnType<typeof setInterval>[] = [];
  if (heartbeatMs > 0) {
    timers.push(
      setInterval(() => {
        if (!ready && Date.now() - spawnedAt > startupTimeoutMs)
          fail(generation, 'ENGINE_HUNG', exitReason.didNotStart());
        if (pingSince === null) {
          pingSince = Date.now();
          const gen = generation;
          call('hello', []).then(
            () => {
              if (gen === generation) pingSince = null;
            },
            () => {},
          );
        } else if (ready && Date.now() - pingSince > (longPending > 0 ? longCallTimeoutMs : hangTimeoutMs)) {
          // A host still starting up is judged by the startup timeout above, not this one.
          fail(generation, 'ENGINE_HUNG', exitReason.noAnswer(Math.round((Date.now() - pingSince) / 1000)));
        }
      }, heartbeatMs),
    );
  }
  if (o.checkpointMs) {
    timers.push(
      setInterval(() => {
        void api
          .status()
          .then((s) => {
            if (s.ok && s.value.state === 'running') return api.checkpoint();
            return null;
          })
          .catch(() => {});
      }, o.checkpointMs),
    );
  }
  for (const t of timers) (t as { unref?: () => void }).unref?.();

  return {
    api,
    get generation() {
      return generation;
    },
    get lastCheckpoint() {
      return lastCheckpoint;
    },
    async checkpointNow() {
      await api.checkpoint();
    },
    async restoreRun() {
      if (!lastData) return null;
      const keep = lastCheckpoint;
      const d = await api.loadData(lastData);
      if (!d.ok) return d;
      if (!lastRun) return api.status();
      const r = await api.createRun(lastRun);
      if (!r.ok) return r;
      if (!keep) return api.status();
      lastCheckpoint = keep;
      return api.restore(keep);
    },
    forgetRun() {
      lastRun = null;
      lastCheckpoint = null;
    },
    close() {
      closed = true;
      for (const t of timers) clearInterval(t);
      for (const p of pending) p.reject(new EngineUnavailableError('ENGINE_CRASHED', 'host.wasClosed'));
      pending.clear();
      try {
        remote[Comlink.releaseProxy]();
      } catch {
        // already released
      }
      host.kill();
    },
  };
}
