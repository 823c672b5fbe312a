import { formatError } from '../../engine/i18n.ts';
import type { MessageRef } from '../../engine/i18n.ts';
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createEngineHost } from '../../electron/engine-host.ts';

vi.mock('electron', () => ({}));

function setup(now = () => 0) {
  const forks: (EventEmitter & { postMessage: ReturnType<typeof vi.fn>; kill: ReturnType<typeof vi.fn> })[] =
    [];
  const crashes: MessageRef[] = [];
  const host = createEngineHost({
    fork: () => {
      const c = Object.assign(new EventEmitter(), { postMessage: vi.fn(), kill: vi.fn(() => true) });
      forks.push(c);
      return c;
    },
    createChannel: () => ({ port1: { close: vi.fn() }, port2: { close: vi.fn() } }),
    onCrash: (r) => crashes.push(r),
    now,
  });
  return { host, forks, crashes };
}

describe('engine host (main side)', () => {
  it('warms one host and hands it the first connection', () => {
    const { host, forks } = setup();
    host.warm();
    host.warm();
    expect(forks).toHaveLength(1);
    const port = host.connect();
    expect(forks).toHaveLength(1);
    expect(forks[0]!.postMessage).toHaveBeenCalledWith({ type: 'connect' }, [expect.anything()]);
    expect(forks[0]!.postMessage.mock.calls[0]![1][0]).not.toBe(port);
  });

  it('gives each later connection a fresh host and stays quiet about hosts it ended', () => {
    const { host, forks, crashes } = setup();
    host.connect();
    host.connect();
    expect(forks[0]!.kill).toHaveBeenCalled();
    forks[0]!.emit('exit', 0);
    expect(crashes).toEqual([]);
    expect(forks).toHaveLength(2);
  });

  it('reports a connected host that dies and starts a spare', () => {
    const { host, forks, crashes } = setup();
    host.connect();
    forks[0]!.emit('exit', 134);
    expect(crashes).toEqual([{ key: 'host.reason.exitCode', params: { code: 134 } }]);
    expect(formatError({ message: '', key: 'host.crashed', params: { reason: crashes[0]! } }, 'zh-CN')).toBe(
      '引擎意外停止，已重新启动（退出码 134）。',
    );
    expect(forks).toHaveLength(2);
    host.connect();
    expect(forks).toHaveLength(2);
  });

  it('stops starting spares for a host that keeps dying, but still connects on request', () => {
    const { host, forks } = setup();
    host.warm();
    for (let i = 0; i < 10; i++) forks.at(-1)!.emit('exit', 1);
    expect(forks).toHaveLength(6);
    host.connect();
    expect(forks).toHaveLength(7);
  });

  it('ends the host on dispose and refuses new connections', () => {
    const { host, forks, crashes } = setup();
    host.connect();
    host.dispose();
    expect(forks[0]!.kill).toHaveBeenCalled();
    forks[0]!.emit('exit', 0);
    expect(crashes).toEqual([]);
    expect(() => host.connect()).toThrow();
  });
});
