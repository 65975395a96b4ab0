import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { boucle } from './helpers.ts';

describe('boucle emulator', () => {
  it('starts both emulators, whose admin APIs answer, until stopped', async () => {
    let stdout = '';
    const stop = new AbortController();
    const done = runCli(
      ['emulator', '--salesforce-port', '0', '--hubspot-port', '0'],
      { stdout: (t) => (stdout += t), stderr: (t) => (stdout += t) },
      stop.signal,
    );
    while (!stdout.includes('Press Ctrl-C'))
      await new Promise((resolve) => setTimeout(resolve, 20));
    const salesforce = /Salesforce emulator: (\S+)/.exec(stdout)?.[1] as string;
    const hubspot = /HubSpot emulator: +(\S+)/.exec(stdout)?.[1] as string;
    expect(
      ((await (await fetch(`${salesforce}/__emulator/state`)).json()) as { objects: object })
        .objects,
    ).toHaveProperty('Alert_Threshold__mdt');
    expect(await (await fetch(`${hubspot}/__emulator/calls`)).json()).toEqual({
      total: 0,
      byEndpoint: {},
    });
    const token = await fetch(`${salesforce}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'boucle-sandbox',
        client_secret: 'sandbox',
      }),
    });
    expect(token.status).toBe(200);
    stop.abort();
    expect(await done).toBe(0);
    expect(stdout).toContain('Emulators stopped.');
  });

  it.each([
    [['emulator', '--hubspot-port', 'abc'], '--hubspot-port must be a port number from 0 to 65535'],
    [
      [
        'emulator',
        '--jwt-certificate',
        '/nonexistent.pem',
        '--salesforce-port',
        '0',
        '--hubspot-port',
        '0',
      ],
      'cannot read the certificate /nonexistent.pem: no such file',
    ],
  ])('refuses %j clearly with exit 2', async (argv, message) => {
    const { code, stderr } = await boucle(...argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('explains itself with --help', async () => {
    const { code, stdout } = await boucle('emulator', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('--no-custom-objects');
    expect(stdout).toContain('/__emulator/faults');
  });
});
