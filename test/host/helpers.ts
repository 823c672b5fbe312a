/** A supervised engine client over a real worker thread, for host tests. */
import type { GraphSpec } from '../../engine/graph/types.ts';
import { buildMlp } from '../../engine/graph/builders.ts';
import { createEngineClient } from '../../engine/host/client.ts';
import type { EngineClientOptions, EngineEvent } from '../../engine/host/client.ts';
import { spawnNodeHost } from '../../engine/host/node-spawn.ts';
import type { RunRequest } from '../../engine/api.ts';
import type { Result } from '../../engine/errors.ts';

export function startClient(
  opts: Partial<EngineClientOptions> & { faults?: boolean; maxHeapMb?: number } = {},
) {
  const events: EngineEvent[] = [];
  const client = createEngineClient({
    spawn: () =>
      spawnNodeHost({
        faults: opts.faults ?? false,
        ...(opts.maxHeapMb ? { maxHeapMb: opts.maxHeapMb } : {}),
      }),
    heartbeatMs: opts.heartbeatMs ?? 0,
    hangTimeoutMs: opts.hangTimeoutMs ?? 5000,
    ...(opts.longCalls ? { longCalls: opts.longCalls } : {}),
    ...(opts.longCallTimeoutMs ? { longCallTimeoutMs: opts.longCallTimeoutMs } : {}),
    onEvent: (e) => events.push(e),
    ...(opts.checkpointMs ? { checkpointMs: opts.checkpointMs } : {}),
  });
  return { client, api: client.api, events };
}

/** The value of a Result, or a test failure with the engine's message. */
export function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

export const xorGraph: GraphSpec = buildMlp({
  inputs: 0,
  hidden: [8],
  outputs: 2,
  activation: 'tanh',
  head: 'softmax',
});

export function xorRun(over: Partial<RunRequest['training']> = {}, graph: GraphSpec = xorGraph): RunRequest {
  return {
    graph: structuredClone(graph),
    mapping: {},
    training: {
      optimizer: { name: 'adam', learningRate: 0.02 },
      batchSize: 16,
      epochs: 60,
      validationSplit: 0.2,
      shuffle: true,
      seed: 3,
      ...over,
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `f` until it returns true (or fails after `timeoutMs`). */
export async function until(f: () => Promise<boolean>, timeoutMs = 20_000, everyMs = 10): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await f()) return;
    await sleep(everyMs);
  }
  throw new Error('timed out waiting');
}
