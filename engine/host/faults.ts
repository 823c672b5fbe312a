/**
 * Fault injection for supervision tests, enabled only when a host is started with `faults: true`:
 * `fault('hang')` never returns (an endless loop), `fault('busy', ms)` keeps the host busy for `ms` and
 * then answers (a long synchronous step), `fault('crash')` ends the host process or thread,
 * `fault('oom')` allocates until memory runs out.
 */
import type { EngineService } from '../session/service.ts';

export interface FaultApi {
  fault(kind: 'hang' | 'busy' | 'crash' | 'oom', ms?: number): Promise<{ ok: true; value: null }>;
}

export function withFaults(service: EngineService, crash: () => never): EngineService & FaultApi {
  return {
    ...service,
    async fault(kind, ms = 0) {
      if (kind === 'crash') crash();
      if (kind === 'busy') {
        const until = Date.now() + ms;
        while (Date.now() < until) {
          // a long synchronous step, as preparing millions of rows is
        }
        return { ok: true, value: null };
      }
      const hoard: number[][] = [];
      for (;;) {
        if (kind === 'oom') hoard.push(new Array<number>(1 << 20).fill(hoard.length));
        // spin: a host that never answers again
      }
    },
  };
}
