/**
 * The native menu as a plain template (no Electron import), so its shape is testable. App commands go
 * to the window; clipboard, zoom and quit use Electron's roles; Reload and DevTools exist only in
 * development.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentFileName } from './contract.ts';
import { desktopTranslator } from './i18n.ts';
import type { Lang } from '../engine/i18n.ts';

export const DOCS_URL = 'https://github.com/backprop-studio/backprop-studio#readme';

export interface MenuOptions {
  platform: NodeJS.Platform;
  isDev: boolean;
  appName: string;
  recent: RecentFileName[];
  /** Sends a command to the window. */
  command(command: MenuCommand): void;
  /** The person picked the `index`-th recent file: main grants it and tells the window. */
  openRecent(index: number): void;
  clearRecent(): void;
  toggleDarkMode(): void;
  about(): void;
  openLink(url: string): void;
  /** Language of the labels (default English). */
  lang?: Lang;
}

export function buildMenuTemplate(o: MenuOptions): MenuItemConstructorOptions[] {
  const mac = o.platform === 'darwin';
  const t = desktopTranslator(o.lang);
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
          click: () => o.openRecent(i),
        })),
        { type: 'separator' as const },
        { id: 'clear-recent', label: t('menu.clearRecent'), click: () => o.clearRecent() },
      ]
    : [{ label: t('menu.noRecent'), enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: t('menu.file'),
    submenu: [
      cmd('new', t('menu.new'), 'CmdOrCtrl+N'),
      cmd('open', t('menu.open'), 'CmdOrCtrl+O'),
      { id: 'open-recent-menu', label: t('menu.openRecent'), submenu: recent },
      { type: 'separator' },
      cmd('save', t('menu.save'), 'CmdOrCtrl+S'),
      cmd('save-as', t('menu.saveAs'), 'CmdOrCtrl+Shift+S'),
      { type: 'separator' },
      cmd('import-csv', t('menu.importCsv'), 'CmdOrCtrl+I'),
      cmd('export-weights', t('menu.exportWeights'), 'CmdOrCtrl+E'),
      ...(mac
        ? []
        : [
            { type: 'separator' as const },
            { role: 'quit' as const, label: t('menu.quit'), accelerator: 'CmdOrCtrl+Q' },
          ]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: t('menu.edit'),
    submenu: [
      cmd('undo', t('menu.undo'), 'CmdOrCtrl+Z'),
      cmd('redo', t('menu.redo'), mac ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Y'),
      { type: 'separator' },
      { role: 'cut', label: t('menu.cut') },
      { role: 'copy', label: t('menu.copy') },
      { role: 'paste', label: t('menu.paste') },
      { role: 'selectAll', label: t('menu.selectAll') },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: t('menu.view'),
    submenu: [
      ...(o.isDev
        ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }, { type: 'separator' as const }]
        : []),
      { role: 'resetZoom', label: t('menu.resetZoom') },
      { role: 'zoomIn', label: t('menu.zoomIn') },
      { role: 'zoomOut', label: t('menu.zoomOut') },
      { type: 'separator' },
      {
        id: 'dark-mode',
        label: t('menu.darkMode'),
        accelerator: 'CmdOrCtrl+Shift+D',
        click: () => o.toggleDarkMode(),
      },
      { role: 'togglefullscreen', label: t('menu.fullScreen') },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: t('menu.help'),
    submenu: [
      { id: 'docs', label: t('menu.docs'), click: () => o.openLink(DOCS_URL) },
      ...(mac ? [] : [{ id: 'about', label: t('menu.about', { app: o.appName }), click: () => o.about() }]),
    ],
  };
  const appMenu: MenuItemConstructorOptions = {
    label: o.appName,
    submenu: [
      { id: 'about', label: t('menu.about', { app: o.appName }), click: () => o.about() },
      { type: 'separator' },
      { role: 'hide', label: t('menu.hide', { app: o.appName }) },
      { role: 'hideOthers', label: t('menu.hideOthers') },
      { role: 'unhide', label: t('menu.showAll') },
      { type: 'separator' },
      { role: 'quit', label: t('menu.quitApp', { app: o.appName }) },
    ],
  };
  return [...(mac ? [appMenu] : []), file, edit, view, help];
}
