import { globalAgent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type RunningEmulators } from '../../src/emulators/start.ts';

let emulators: RunningEmulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());

describe('the emulators keep idle connections', () => {
  // A server that closes an idle socket no later than the client frees it races the client's next
  // request on that socket: the request fails with ECONNRESET.
  it.each([['Salesforce'], ['HubSpot']])(
    '%s: longer than Node’s HTTP agent keeps them, so a reused socket is never reset',
    async (crm) => {
      const url = crm === 'Salesforce' ? emulators.salesforceUrl : emulators.hubspotUrl;
      const response = await fetch(`${url}/__emulator/state`);
      await response.arrayBuffer();
      const serverSeconds = Number(
        /timeout=(\d+)/.exec(response.headers.get('keep-alive') ?? '')?.[1],
      );
      const { options } = globalAgent as unknown as { options: { timeout?: number } };
      const clientSeconds = (options.timeout ?? 0) / 1000;
      expect(clientSeconds).toBeGreaterThan(0);
      expect(serverSeconds).toBeGreaterThan(clientSeconds);
    },
  );
});
