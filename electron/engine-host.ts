/**
 * Main's side of the engine: one utility process per window connection. `connect()` makes a
 * MessageChannelMain, hands one port to the host and returns the other for the window, so training
 * traffic flows window ↔ host directly. Each connection gets a fresh host (the window reconnects only
 * at start, after a reload, or when its supervisor gave up on a crashed or hung host). A host that dies
 * on its own is reported, and a spare is started so the reconnect is quick.
 */

import { exitReason } from '../engine/host/exit-reason.ts';
import type { MessageRef } from '../engine/i18n.ts';

/** What is used of Electron's MessagePortMain here. */
export interface PortLike {
  close(): void;
}

/** What is used of Electron's UtilityProcess here. */
export interface UtilityChild {
  postMessage(message: unknown, transfer?: PortLike[]): void;
  kill(): boolean;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export interface EngineHostOptions {
  fork(): UtilityChild;
  createChannel(): { port1: PortLike; port2: PortLike };
  /** The connected host ended without being asked to. */
  onCrash(reason: MessageRef): void;
  now?: () => number;
  /** Spares started after crashes within a minute, at most (a host that dies at once is not respawned forever). */
  maxRestartsPerMinute?: number;
}

export interface EngineHost {
  /** Starts a host now (if none is waiting) so the first connection is quick. */
  warm(): void;
  /** A fresh connection: ends the connected host, if any, and returns the window's port. */
  connect(): PortLike;
  /** Started hosts so far. */
  readonly started: number;
  dispose(): void;
}

export function createEngineHost(o: EngineHostOptions): EngineHost {
  const now = o.now ?? Date.now;
  const maxRestarts = o.maxRestartsPerMinute ?? 5;
  let child: UtilityChild | null = null;
  let connected = false;
  let disposed = false;
  let started = 0;
  let restarts: number[] = [];

  function spawn(): UtilityChild {
    const c = o.fork();
    started++;
    c.on('exit', (code) => {
      if (c !== child) return; // replaced or ended on purpose
      const wasConnected = connected;
      child = null;
      connected = false;
      if (disposed) return;
      if (wasConnected) o.onCrash(exitReason.exitCode(code));
      restarts = restarts.filter((t) => now() - t < 60_000);
      if (restarts.length < maxRestarts) {
        restarts.push(now());
        child = spawn();
      }
    });
    return c;
  }

  function end(): void {
    const c = child;
    child = null;
    connected = false;
    c?.kill();
  }

  return {
    warm() {
      if (!child && !disposed) child = spawn();
    },
    connect() {
      if (disposed) throw new Error('The engine host is shut down.');
      if (connected) end();
      if (!child) child = spawn();
      const { port1, port2 } = o.createChannel();
      child.postMessage({ type: 'connect' }, [port1]);
      connected = true;
      return port2;
    },
    get started() {
      return started;
    },
    dispose() {
      disposed = true;
      end();
    },
  };
}
