/** Starts the Node worker host (from TypeScript source through tsx, or a bundled .js) as a HostProcess. */
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { exitReason } from './exit-reason.ts';
import type { HostProcess } from './client.ts';

export interface NodeHostOptions {
  /** Enables `fault()` for supervision tests. */
  faults?: boolean;
  /** Worker heap limit in MB. */
  maxHeapMb?: number;
}

export function spawnNodeHost(o: NodeHostOptions = {}): HostProcess {
  const entry = new URL('./node-worker.ts', import.meta.url);
  const resourceLimits = o.maxHeapMb ? { maxOldGenerationSizeMb: o.maxHeapMb } : undefined;
  const worker = entry.pathname.endsWith('.ts')
    ? new Worker(new URL('./boot.mjs', import.meta.url), {
        workerData: { __tsEntry: entry.href, faults: o.faults ?? false },
        ...(resourceLimits ? { resourceLimits } : {}),
      })
    : new Worker(entry, {
        workerData: { faults: o.faults ?? false },
        ...(resourceLimits ? { resourceLimits } : {}),
      });
  let exited = false;
  return {
    endpoint: nodeEndpoint(worker),
    kill() {
      if (!exited) void worker.terminate();
    },
    onExit(listener) {
      worker.once('error', (e) => {
        exited = true;
        listener(
          (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? exitReason.outOfMemory()
            : exitReason.failed(e.message),
        );
      });
      worker.once('exit', (code) => {
        exited = true;
        listener(exitReason.exitCode(code));
      });
    },
  };
}
