import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';

describe('BOUCLE_TRUST_PROXY', () => {
  it.each([
    [{}, false],
    [{ BOUCLE_TRUST_PROXY: '' }, false],
    [{ BOUCLE_TRUST_PROXY: 'false' }, false],
    [{ BOUCLE_TRUST_PROXY: '0' }, false],
    [{ BOUCLE_TRUST_PROXY: '1' }, 1],
    [{ BOUCLE_TRUST_PROXY: 'loopback' }, ['loopback']],
    [
      { BOUCLE_TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8' },
      ['10.0.0.0/8', '192.168.1.7', 'fd00::/8'],
    ],
  ])('reads %o as %o (off by default)', (env, trustProxy) => {
    expect(loadConfig(env).trustProxy).toEqual(trustProxy);
  });

  it.each([
    ['true', 'BOUCLE_TRUST_PROXY: true would believe any X-Forwarded-For a client writes'],
    ['proxy.internal', 'BOUCLE_TRUST_PROXY: must be a number of proxy hops (1), loopback'],
    ['10.0.0.0/33', '(not "10.0.0.0/33")'],
    ['10.0.0.0/8,,loopback', '(not "")'],
    ['-1', 'BOUCLE_TRUST_PROXY: must be a number of proxy hops'],
    ['1.5', 'BOUCLE_TRUST_PROXY: must be a number of proxy hops'],
  ])('refuses %s with an error naming the variable', (value, message) => {
    expect(() => loadConfig({ BOUCLE_TRUST_PROXY: value })).toThrow(message);
  });
});
