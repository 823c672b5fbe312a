import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineApi } from '../../engine/api.ts';
import { buildMlp } from '../../engine/graph/builders.ts';
import { electronPortEndpoint } from '../../engine/host/electron-port-adapter.ts';
import type { MessagePortMainLike } from '../../engine/host/electron-port-adapter.ts';

vi.mock('electron', () => ({}));

/** A MessagePortMain stand-in over a Node port: an EventEmitter of `{data, ports}` that waits for start(). */
function portMain(p: MessagePort): MessagePortMainLike & { started: boolean; closed: boolean } {
  const em = new EventEmitter();
  const queue: unknown[] = [];
  const self = {
    started: false,
    closed: false,
    on: (ev: string, l: (...a: unknown[]) => void) => em.on(ev, l),
    off: (ev: string, l: (...a: unknown[]) => void) => em.off(ev, l),
    postMessage: (m: unknown) => p.postMessage(m),
    start() {
      self.started = true;
      for (const data of queue.splice(0)) em.emit('message', { data, ports: [] });
    },
    close() {
      self.closed = true;
      p.close();
    },
  };
  p.on('message', (data) => (self.started ? em.emit('message', { data, ports: [] }) : queue.push(data)));
  return self as never;
}

const open: MessagePort[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
  delete (process as { parentPort?: unknown }).parentPort;
});

function channel() {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  return { main: portMain(port1), renderer: Comlink.wrap<EngineApi>(nodeEndpoint(port2)) };
}

describe('electron port adapter', () => {
  it('carries Comlink calls over a {data, ports} port and starts it', async () => {
    const { main, renderer } = channel();
    Comlink.expose({ hello: async () => ({ ok: true, value: 'hi' }) }, electronPortEndpoint(main));
    expect(main.started).toBe(true);
    await expect(renderer.hello()).resolves.toEqual({ ok: true, value: 'hi' });
  });

  it('removes listeners and closes the port', () => {
    const { main } = channel();
    const ep = electronPortEndpoint(main);
    const l = () => {};
    ep.addEventListener('message', l);
    ep.removeEventListener('message', l);
    ep.removeEventListener('message', () => {});
    ep.close();
    expect(main.closed).toBe(true);
  });
});

describe('utility process entry', () => {
  it('serves the engine on each port main sends, the newest replacing the last', async () => {
    const parent = new EventEmitter();
    (process as { parentPort?: unknown }).parentPort = parent;
    await import('../../engine/host/electron-utility.ts');
    const first = channel();
    parent.emit('message', { data: { type: 'connect' }, ports: [first.main] });
    const hello = await first.renderer.hello();
    expect(hello.ok && hello.value.apiVersion).toBe(1);
    const built = await first.renderer.builtins();
    expect(built.ok && built.value.some((b) => b.name === 'xor')).toBe(true);

    parent.emit('message', { data: { type: 'other' }, ports: [] });
    const second = channel();
    parent.emit('message', { data: { type: 'connect' }, ports: [second.main] });
    expect(first.main.closed).toBe(true);
    expect((await second.renderer.hello()).ok).toBe(true);

    // A large network trains on two cores here (a small one on one), as in the Node worker host.
    const engine = second.renderer;
    expect((await engine.loadData({ kind: 'builtin', name: 'xor', samples: 512, seed: 1 })).ok).toBe(true);
    const run = (hidden: number[]) =>
      engine.createRun({
        graph: buildMlp({ inputs: 0, hidden, outputs: 2, activation: 'relu', head: 'softmax' }),
        mapping: {},
        training: {
          optimizer: { name: 'sgd', learningRate: 0.01 },
          batchSize: 128,
          epochs: 1,
          validationSplit: 0,
          shuffle: false,
          seed: 1,
        },
      });
    expect((await run([8])).ok).toBe(true);
    await engine.step();
    const small = await engine.status();
    expect(small.ok && small.value.threads).toBe(1);
    expect((await run([1024, 1024])).ok).toBe(true);
    let threads = 0;
    for (let i = 0; i < 50 && threads !== 2; i++) {
      await engine.step();
      const s = await engine.status();
      threads = s.ok ? s.value.threads : 0;
      if (threads !== 2) await new Promise((r) => setTimeout(r, 20));
    }
    expect(threads).toBe(2);
    await engine.reset();
  }, 30_000);
});
