import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

describe('loadConfig', () => {
  it('defaults to sandbox with no CRM configured', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      dbPath: './data/boucle.db',
      sandbox: true,
      logLevel: 'info',
    });
  });

  it('reads a client-credentials Salesforce and a HubSpot private app', () => {
    const config = loadConfig({
      BOUCLE_API_KEY: 'k'.repeat(20),
      SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com/',
      SALESFORCE_CLIENT_ID: 'id',
      SALESFORCE_CLIENT_SECRET: 'secret',
      HUBSPOT_ACCESS_TOKEN: 'pat-na1-x',
    });
    expect(config).toMatchObject({
      sandbox: false,
      salesforce: {
        auth: 'client_credentials',
        loginUrl: 'https://acme.my.salesforce.com',
        apiVersion: '62.0',
      },
      hubspot: { baseUrl: 'https://api.hubapi.com', accessToken: 'pat-na1-x' },
    });
  });

  it('uses Bulk API 2.0 above 2,000 records of one kind per round unless told otherwise', () => {
    const env = {
      BOUCLE_API_KEY: 'k'.repeat(20),
      SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com',
      SALESFORCE_CLIENT_ID: 'id',
      SALESFORCE_CLIENT_SECRET: 'secret',
    };
    expect(loadConfig(env).salesforce?.bulk).toEqual({ threshold: 2000 });
    expect(loadConfig({ ...env, SALESFORCE_BULK_THRESHOLD: '0' }).salesforce?.bulk).toEqual({
      threshold: 0,
    });
  });

  it('reads a JWT bearer Salesforce', () => {
    const config = loadConfig({
      BOUCLE_API_KEY: 'k'.repeat(20),
      SALESFORCE_LOGIN_URL: 'https://login.salesforce.com',
      SALESFORCE_CLIENT_ID: 'id',
      SALESFORCE_USERNAME: 'int@acme.example',
      SALESFORCE_PRIVATE_KEY_FILE: '/secrets/key.pem',
    });
    expect(config.salesforce).toMatchObject({
      auth: 'jwt',
      username: 'int@acme.example',
      privateKeyFile: '/secrets/key.pem',
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT: must be a port number'],
    [{ PORT: '70000' }, 'PORT: must be a port number from 0 to 65535'],
    [{ BOUCLE_SANDBOX: 'yes' }, 'BOUCLE_SANDBOX: must be 1 (sandbox) or 0'],
    [{ SALESFORCE_API_VERSION: '50.0' }, 'SALESFORCE_API_VERSION: must be 60.0 or later'],
    [{ BOUCLE_API_KEY: 'short' }, 'BOUCLE_API_KEY: must be at least 16 characters'],
    [{ SALESFORCE_LOGIN_URL: 'login.salesforce.com' }, 'SALESFORCE_LOGIN_URL must be a URL'],
    [{ BOUCLE_WEBHOOK_SECRET: 'secret' }, 'BOUCLE_WEBHOOK_SECRET: must start with whsec_'],
    [
      { SALESFORCE_BULK_THRESHOLD: 'lots' },
      'SALESFORCE_BULK_THRESHOLD: must be a number of records, e.g. 2000',
    ],
    [
      { SALESFORCE_BULK_THRESHOLD: '-1' },
      'SALESFORCE_BULK_THRESHOLD: must be 0 (Bulk API off) or more records',
    ],
    [
      { SALESFORCE_CLIENT_ID: 'id' },
      'SALESFORCE_LOGIN_URL: is required with the other SALESFORCE_* variables',
    ],
    [
      { SALESFORCE_CLIENT_ID: 'id', SALESFORCE_LOGIN_URL: 'https://x.my.salesforce.com' },
      'SALESFORCE_CLIENT_SECRET: is required for the client-credentials flow',
    ],
    [
      {
        SALESFORCE_USERNAME: 'u',
        SALESFORCE_CLIENT_ID: 'id',
        SALESFORCE_LOGIN_URL: 'https://x.my.salesforce.com',
      },
      'SALESFORCE_PRIVATE_KEY_FILE: is required with SALESFORCE_USERNAME',
    ],
    [
      { HUBSPOT_BASE_URL: 'https://api.hubapi.com' },
      'HUBSPOT_ACCESS_TOKEN: is required with HUBSPOT_BASE_URL',
    ],
    [{ HUBSPOT_ACCESS_TOKEN: 'pat' }, 'BOUCLE_API_KEY: is required outside sandbox mode'],
    [
      { BOUCLE_SANDBOX: '0', BOUCLE_API_KEY: 'k'.repeat(20) },
      'BOUCLE_SANDBOX: is 0 but no CRM is configured',
    ],
    [{ DATABASE_URL: 'mysql://db.example/boucle' }, 'DATABASE_URL: must be a PostgreSQL URL'],
  ])('stops on %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('DATABASE_URL', () => {
  it('selects PostgreSQL, keeping BOUCLE_DB for what SQLite would hold', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://boucle:pw@db.internal:5432/boucle' });
    expect(config.databaseUrl).toBe('postgresql://boucle:pw@db.internal:5432/boucle');
    expect(loadConfig({}).databaseUrl).toBeUndefined();
  });
});

describe('HOST', () => {
  it('listens on loopback in sandbox, on every interface otherwise, or where HOST says', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    const real = { HUBSPOT_ACCESS_TOKEN: 'pat', BOUCLE_API_KEY: 'k'.repeat(20) };
    expect(loadConfig(real).host).toBe('0.0.0.0');
    expect(loadConfig({ ...real, HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
    expect(() => loadConfig({ HOST: 'http://x' })).toThrow('HOST: must be an address to listen on');
  });
});

describe('BOUCLE_METRICS_TOKEN and BOUCLE_JOB_RETENTION_DAYS', () => {
  it('reads the metrics token and the days done jobs are kept (7 by default)', () => {
    expect(loadConfig({})).toMatchObject({ jobRetentionDays: 7 });
    expect(loadConfig({})).not.toHaveProperty('metricsToken');
    expect(
      loadConfig({
        BOUCLE_METRICS_TOKEN: 'scrape-0123456789abcdef',
        BOUCLE_JOB_RETENTION_DAYS: '30',
      }),
    ).toMatchObject({ metricsToken: 'scrape-0123456789abcdef', jobRetentionDays: 30 });
  });

  it.each([
    [{ BOUCLE_METRICS_TOKEN: 'short' }, 'BOUCLE_METRICS_TOKEN: must be at least 16 characters'],
    [{ BOUCLE_JOB_RETENTION_DAYS: '0' }, 'BOUCLE_JOB_RETENTION_DAYS: must be at least 1 day'],
    [
      { BOUCLE_JOB_RETENTION_DAYS: '2.5' },
      'BOUCLE_JOB_RETENTION_DAYS: must be a whole number of days',
    ],
  ])('names a bad value: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
