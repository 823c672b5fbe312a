/** Main-process entry: starts the app with the engine host bundled next to it. */
import * as electron from 'electron';
import engineEntry from '../engine/host/electron-utility.ts?modulePath';
import sweepEntry from '../engine/host/sweep-worker.ts?modulePath';
import { startApp } from './app.ts';

const { app } = electron;

// Tests and side-by-side development runs keep their settings and recovery files apart.
if (!app.isPackaged && process.env.BACKPROP_USER_DATA)
  app.setPath('userData', process.env.BACKPROP_USER_DATA);

startApp(electron, {
  engineEntry,
  sweepEntry,
  mainDir: import.meta.dirname,
  devServerUrl: process.env.ELECTRON_RENDERER_URL,
  engineFaults: !app.isPackaged && process.env.BACKPROP_ENGINE_FAULTS === '1',
});
