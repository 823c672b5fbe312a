/**
 * Fault injection for supervision tests, enabled only when a host is started with `faults: true`:
 * `fault('hang')` never returns (an endless loop), `fault('crash')` ends the host process or thread, `fault('oom')` allocates until memory runs out.
 */
import type { EngineService } from '../session/service.ts';

export interface FaultApi {
  fault(kind: 'hang' | 'crash' | 'oom'): Promise<never>;
}

export function withFaults(service: EngineService, crash: () => never): EngineService & FaultApi {
  return {
    ...service,
    fault(kind) {
      if (kind === 'crash') crash();
      const hoard: number[][] = [];
      for (;;) {
        if (kind === 'oom') hoard.push(new Array<number>(1 << 20).fill(hoard.length));
        // spin: a host that never answers again
      }
    },
  };
}
