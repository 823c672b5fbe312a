#!/usr/bin/env node
import { runFromProcess } from './main.ts';

// `npm run cli` runs in the package folder; paths on the command line are meant from where it was typed.
if (process.env.npm_lifecycle_event === 'cli' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
runFromProcess();
