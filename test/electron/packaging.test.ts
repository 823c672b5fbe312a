// The installer configuration, checked without running electron-builder (it downloads Electron and
// its packaging tools): electron-builder's own schema validation, plus what this app relies on.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

const root = join(import.meta.dirname, '../..');
const fromBuilder = createRequire(join(root, 'node_modules/app-builder-lib/package.json'));
const fromUtil = createRequire(join(root, 'node_modules/builder-util/package.json'));

interface Config {
  appId: string;
  productName: string;
  files: string[];
  directories: { buildResources: string };
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
}

let config: Config;
beforeAll(async () => {
  const { getConfig } = fromBuilder('./out/util/config/config.js');
  config = await getConfig(root, 'electron-builder.yml', null);
});

function pngSize(path: string): [number, number] {
  const b = readFileSync(path);
  expect(b.subarray(1, 4).toString()).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema", async () => {
    const { validateConfiguration } = fromBuilder('./out/util/config/config.js');
    const { DebugLogger } = fromUtil('./out/DebugLogger.js');
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, unknownKey: 1 }, new DebugLogger(false))).rejects.toThrow(
      /unknown property/,
    );
  });

  it('names the app', () => {
    expect(config.appId).toBe('studio.backprop.app');
    expect(config.productName).toBe('Backprop Studio');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('out/main/main.js');
    expect(pkg.dependencies).not.toHaveProperty('electron');
  });

  it('packs only the desktop build', () => {
    const raw = fromBuilder('js-yaml').load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as {
      files: string[];
    };
    expect(raw.files.filter((f) => !f.startsWith('!'))).toEqual([
      'out/main/**',
      'out/preload/**',
      'out/renderer/**',
      'package.json',
    ]);
    expect(raw.files).not.toContain('out/**');
  });

  it('builds installers for the three systems', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('has its icons: the SVG source and 512 and 256 px renderings', () => {
    for (const os of [config.linux, config.win, config.mac])
      expect(existsSync(join(root, os.icon))).toBe(true);
    expect(pngSize(join(root, 'build/icon.png'))).toEqual([512, 512]);
    expect(pngSize(join(root, 'build/icon-256.png'))).toEqual([256, 256]);
    expect(readFileSync(join(root, 'build/icon.svg'), 'utf8')).toMatch(/^<svg /);
    expect(config.directories.buildResources).toBe('build');
  });

  it('turns off the Electron features the app does not need (fuses)', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
