// Types of the pure parts of scripts/start.mjs, for the tests (the script itself is plain JavaScript).
export declare const WEB_ADDRESS: string;
export declare const DEV_WEB_ADDRESS: string;

export type NoWindowReason = 'asked' | 'no-display' | 'no-binary' | 'cannot-run';

export type LaunchPlan =
  | { mode: 'desktop'; dev: boolean; binary: string }
  | { mode: 'web'; dev: boolean; address: string; reason: NoWindowReason; detail?: string }
  | { mode: 'download'; dev: boolean }
  | { mode: 'probe'; dev: boolean; binary: string };

export declare function electronBinary(env?: Record<string, string | undefined>, dir?: string): string | null;

export declare function launchPlan(facts: {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  platform: string;
  binary: string | null;
  downloadTried?: boolean;
  probe?: { ok: boolean; detail?: string } | null;
}): LaunchPlan;

export declare function whyNoWindow(reason: NoWindowReason, detail?: string): string;
