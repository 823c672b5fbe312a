/**
 * The app's engine loads a CSV a slice at a time: between slices it answers other calls (its
 * heartbeat, progress, a cancel), so a large file neither freezes it nor gets it killed as hung.
 * Driven step by step through the host's yield, so nothing here depends on the machine's speed.
 */
import { describe, expect, it } from 'vitest';
import { createEngineService } from '../../../engine/session/service.ts';
import { bytes } from './helpers.ts';

const MB = 1 << 20;

/** A CSV of about `size` bytes: two numbers and a label a row. */
function csv(size: number): Uint8Array {
  const rows = ['x,y,label'];
  let n = 10;
  for (let i = 0; n < size; i++) {
    const row = `${(i % 97) / 10},${(i % 89) / 10},${i % 2 ? 'a' : 'b'}`;
    rows.push(row);
    n += row.length + 1;
  }
  return bytes(rows.join('\n'));
}

/** A service whose host yields are gates the test opens one at a time. */
function gated() {
  const gates: (() => void)[] = [];
  const api = createEngineService({ yieldToHost: () => new Promise<void>((r) => gates.push(r)) });
  const settle = async () => {
    for (let k = 0; k < 20; k++) await Promise.resolve();
  };
  const open = async () => {
    await settle();
    gates.shift()?.();
    await settle();
  };
  return { api, gates, settle, open };
}

describe('loading a large CSV in the app engine', () => {
  const file = csv(3.5 * MB);

  it('answers other calls between slices and reports how far it has got', async () => {
    const { api, gates, settle, open } = gated();
    const load = api.loadData({ kind: 'csv', name: 'big.csv', bytes: file });
    await settle();
    // Paused after the first slice: the engine is free to answer.
    expect(gates).toHaveLength(1);
    expect((await api.hello()).ok).toBe(true);
    expect(await api.loadProgress()).toEqual({
      ok: true,
      value: { name: 'big.csv', phase: 'reading', loaded: MB, total: file.length },
    });
    await open();
    expect((await api.loadProgress()).ok && (await api.loadProgress())).toMatchObject({
      value: { loaded: 2 * MB },
    });
    let done = false;
    void load.then(() => (done = true));
    for (let k = 0; k < 100 && !done; k++) {
      const p = await api.loadProgress();
      if (p.ok && p.value) expect(['reading', 'summarizing']).toContain(p.value.phase);
      await open();
    }
    const r = await load;
    expect(r.ok && r.value.rows).toBeGreaterThan(300_000);
    expect(r.ok && r.value.header).toEqual(['x', 'y', 'label']);
    expect(await api.loadProgress()).toEqual({ ok: true, value: null });
  });

  it('can be cancelled: the load ends with a message saying so, and the data loaded before stays', async () => {
    const { api, settle, open } = gated();
    const first = api.loadData({ kind: 'csv-text', name: 'small.csv', text: 'a,b\n1,x\n2,y\n' });
    for (let k = 0; k < 10; k++) await open();
    expect((await first).ok).toBe(true);
    const load = api.loadData({ kind: 'csv', name: 'big.csv', bytes: file });
    await settle();
    expect(await api.cancelLoad()).toEqual({ ok: true, value: true });
    await open();
    const r = await load;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ code: 'BAD_STATE', key: 'request.loadCancelled' });
    expect(!r.ok && r.error.message).toBe('Loading big.csv was cancelled.');
    expect(await api.cancelLoad()).toEqual({ ok: true, value: false });
    const t = await api.describeTarget({});
    expect(t.ok && t.value.target).toBe('b');
  });
});
