/**
 * The native menu as a plain template (no Electron import), so its shape is testable. App commands go
 * to the window; clipboard, zoom and quit use Electron's roles; Reload and DevTools exist only in
 * development.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { FileHandle, MenuCommand } from './channels.ts';

export const DOCS_URL = 'https://github.com/backprop-studio/backprop-studio#readme';

export interface MenuOptions {
  platform: NodeJS.Platform;
  isDev: boolean;
  appName: string;
  recent: FileHandle[];
  /** Sends a command to the window. */
  command(command: MenuCommand, file?: FileHandle): void;
  clearRecent(): void;
  toggleDarkMode(): void;
  about(): void;
  openLink(url: string): void;
}

export function buildMenuTemplate(o: MenuOptions): MenuItemConstructorOptions[] {
  const mac = o.platform === 'darwin';
  const cmd = (id: MenuCommand, label: string, accelerator?: string): MenuItemConstructorOptions => ({
    id,
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => o.command(id),
  });
  const recent: MenuItemConstructorOptions[] = o.recent.length
    ? [
        ...o.recent.map((f, i) => ({
          id: `recent-${i}`,
          label: f.name,
          click: () => o.command('open-recent', f),
        })),
        { type: 'separator' as const },
        { id: 'clear-recent', label: 'Clear Recent', click: () => o.clearRecent() },
      ]
    : [{ label: 'No Recent Files', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      cmd('new', 'New', 'CmdOrCtrl+N'),
      cmd('open', 'Open…', 'CmdOrCtrl+O'),
      { id: 'open-recent-menu', label: 'Open Recent', submenu: recent },
      { type: 'separator' },
      cmd('save', 'Save', 'CmdOrCtrl+S'),
      cmd('save-as', 'Save As…', 'CmdOrCtrl+Shift+S'),
      { type: 'separator' },
      cmd('import-csv', 'Import CSV…', 'CmdOrCtrl+I'),
      cmd('export-weights', 'Export Weights…', 'CmdOrCtrl+E'),
      ...(mac
        ? []
        : [
            { type: 'separator' as const },
            { role: 'quit' as const, label: 'Quit', accelerator: 'CmdOrCtrl+Q' },
          ]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      cmd('undo', 'Undo', 'CmdOrCtrl+Z'),
      cmd('redo', 'Redo', mac ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Y'),
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(o.isDev
        ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }, { type: 'separator' as const }]
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      {
        id: 'dark-mode',
        label: 'Toggle Dark Mode',
        accelerator: 'CmdOrCtrl+Shift+D',
        click: () => o.toggleDarkMode(),
      },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      { id: 'docs', label: 'Documentation', click: () => o.openLink(DOCS_URL) },
      ...(mac ? [] : [{ id: 'about', label: `About ${o.appName}`, click: () => o.about() }]),
    ],
  };
  const appMenu: MenuItemConstructorOptions = {
    label: o.appName,
    submenu: [
      { id: 'about', label: `About ${o.appName}`, click: () => o.about() },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit', label: `Quit ${o.appName}` },
    ],
  };
  return [...(mac ? [appMenu] : []), file, edit, view, help];
}
