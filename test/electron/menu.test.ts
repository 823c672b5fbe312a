import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate, DOCS_URL } from '../../electron/menu.ts';
import { isSafeExternalUrl } from '../../electron/security.ts';

vi.mock('electron', () => ({}));

function menu(platform: NodeJS.Platform, isDev: boolean) {
  const o = {
    platform,
    isDev,
    appName: 'Backprop Studio',
    recent: [{ name: 'net.bps.json', kind: 'project' as const }],
    command: vi.fn(),
    openRecent: vi.fn(),
    clearRecent: vi.fn(),
    toggleDarkMode: vi.fn(),
    about: vi.fn(),
    openLink: vi.fn(),
  };
  const items = (list: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    list.flatMap((i) => [i, ...items((i.submenu as MenuItemConstructorOptions[]) ?? [])]);
  const all = items(buildMenuTemplate(o));
  const byId = (id: string) => all.find((i) => i.id === id)!;
  const click = (id: string) => (byId(id).click as () => void)();
  return { o, all, byId, click };
}

describe('menu', () => {
  it.each([
    ['new', 'CmdOrCtrl+N'],
    ['open', 'CmdOrCtrl+O'],
    ['save', 'CmdOrCtrl+S'],
    ['save-as', 'CmdOrCtrl+Shift+S'],
    ['import-csv', 'CmdOrCtrl+I'],
    ['export-weights', 'CmdOrCtrl+E'],
    ['undo', 'CmdOrCtrl+Z'],
    ['redo', 'CmdOrCtrl+Y'],
  ])('%s goes to the window (%s)', (id, accelerator) => {
    const m = menu('linux', false);
    expect(m.byId(id).accelerator).toBe(accelerator);
    m.click(id);
    expect(m.o.command).toHaveBeenCalledWith(id);
  });

  it('lists recent files by name; picking one asks main to grant it', () => {
    const m = menu('win32', false);
    expect(m.byId('recent-0').label).toBe('net.bps.json');
    m.click('recent-0');
    expect(m.o.openRecent).toHaveBeenCalledWith(0);
    expect(m.o.command).not.toHaveBeenCalled();
  });

  it('has reload and DevTools only in development', () => {
    const roles = (dev: boolean) => menu('linux', dev).all.map((i) => i.role);
    expect(roles(false)).not.toContain('reload');
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    expect(roles(false)).toEqual(
      expect.arrayContaining(['cut', 'copy', 'paste', 'selectAll', 'zoomIn', 'zoomOut', 'resetZoom', 'quit']),
    );
  });

  it('uses macOS conventions on macOS', () => {
    const m = menu('darwin', false);
    expect(m.byId('redo').accelerator).toBe('Shift+CmdOrCtrl+Z');
    expect(m.all.filter((i) => i.role === 'quit')).toHaveLength(1);
  });

  it('links to https documentation only', () => {
    expect(isSafeExternalUrl(DOCS_URL)).toBe(true);
    const m = menu('linux', false);
    m.click('docs');
    expect(m.o.openLink).toHaveBeenCalledWith(DOCS_URL);
  });
});
