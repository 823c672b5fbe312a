/** The engine in-process, as the renderer's state classes see it through their `api` getter. */
import { createEngineService } from '../../engine/session/service.ts';
import type { EngineService } from '../../engine/session/service.ts';

export function createService(): EngineService {
  return createEngineService({ yieldToHost: () => new Promise((r) => setImmediate(r)) });
}

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
