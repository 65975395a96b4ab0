// The preview build's worker thread (started by buildPreview in build.ts): rollup and the LWC
// compiler take 20 s or more of CPU, which would otherwise stall the server's event loop. Worker
// threads do not inherit the tsx loader the server runs under, so this file, plain JavaScript,
// registers it before importing the TypeScript.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { compileBundle } = await import('./build.ts');
await compileBundle(workerData.key, workerData.path, (message) =>
  parentPort.postMessage({ progress: message }),
);
parentPort.postMessage({ done: true });
