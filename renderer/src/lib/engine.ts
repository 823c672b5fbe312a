/**
 * The engine for this window: a supervised client over the host the platform starts (a Web Worker in
 * the browser, the desktop shell's utility process). Either way the UI sees one EngineApi.
 */
import { createEngineClient } from '../../../engine/host/client.ts';
import type { EngineClient, EngineEvent, HostProcess } from '../../../engine/host/client.ts';

export function createEngine(spawn: () => HostProcess, onEvent: (e: EngineEvent) => void): EngineClient {
  return createEngineClient({
    spawn,
    heartbeatMs: 1000,
    hangTimeoutMs: 8000,
    checkpointMs: 5000,
    onEvent,
  });
}
