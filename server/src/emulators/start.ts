import { readFileSync } from 'node:fs';
import { HubSpotEmulator, type HubSpotEmulatorOptions } from './hubspot/app.ts';
import { SalesforceEmulator, type SalesforceEmulatorOptions } from './salesforce/app.ts';

export interface EmulatorsOptions {
  readonly host?: string;
  readonly salesforcePort?: number;
  readonly hubspotPort?: number;
  /** Keep state across restarts: `<data>.salesforce.json` and `<data>.hubspot.json`. */
  readonly data?: string;
  readonly salesforce?: SalesforceEmulatorOptions;
  readonly hubspot?: HubSpotEmulatorOptions;
}

export interface RunningEmulators {
  readonly salesforce: SalesforceEmulator;
  readonly hubspot: HubSpotEmulator;
  readonly salesforceUrl: string;
  readonly hubspotUrl: string;
  close(): Promise<void>;
}

/** Starts both CRM emulators on loopback (port 0 picks free ports). */
export async function startEmulators(options: EmulatorsOptions = {}): Promise<RunningEmulators> {
  const host = options.host ?? '127.0.0.1';
  const salesforce = new SalesforceEmulator({
    ...(options.data && { dataFile: `${options.data}.salesforce.json` }),
    ...options.salesforce,
  });
  const hubspot = new HubSpotEmulator({
    ...(options.data && { dataFile: `${options.data}.hubspot.json` }),
    ...options.hubspot,
  });
  const sf = await salesforce.listen(options.salesforcePort ?? 0, host);
  const hs = await hubspot.listen(options.hubspotPort ?? 0, host).catch(async (error: unknown) => {
    await sf.close();
    throw error;
  });
  return {
    salesforce,
    hubspot,
    salesforceUrl: sf.url,
    hubspotUrl: hs.url,
    close: async () => {
      await Promise.all([sf.close(), hs.close()]);
    },
  };
}

/** Reads a PEM file for the JWT bearer flow, with a clear error. */
export function readCertificate(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read the certificate ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
}
