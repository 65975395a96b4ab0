#!/usr/bin/env node
// The boucle command. The sources are TypeScript, run through tsx's loader so that a clean clone
// needs no build step: `npm ci` then `npx boucle`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/bin.ts');
