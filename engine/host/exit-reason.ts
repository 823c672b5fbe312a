/** Why an engine host ended, as messages: used by the hosts, the client and the desktop shell. */
import type { MessageRef } from '../i18n.ts';

/** Each is a `host.reason.*` key of engine.json, so that every front end words it in its own language. */
export const exitReason = {
  exitCode: (code: number | null): MessageRef => ({ key: 'host.reason.exitCode', params: { code } }),
  failed: (detail: string): MessageRef => ({ key: 'host.reason.failed', params: { detail } }),
  outOfMemory: (): MessageRef => ({ key: 'host.reason.outOfMemory' }),
  didNotStart: (): MessageRef => ({ key: 'host.reason.didNotStart' }),
  noAnswer: (seconds: number): MessageRef => ({ key: 'host.reason.noAnswer', params: { seconds } }),
};
