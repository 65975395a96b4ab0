import { readCertificate, startEmulators } from '../../emulators/start.ts';
import { EXIT, type CliIo } from '../io.ts';

export interface EmulatorOptions {
  readonly salesforcePort: number;
  readonly hubspotPort: number;
  readonly host: string;
  readonly data?: string;
  readonly jwtCertificate?: string;
  readonly noCustomObjects?: boolean;
  readonly customObjects?: boolean;
}

/**
 * `boucle emulator`: runs the Salesforce and HubSpot emulators until interrupted (Ctrl-C).
 * @param options ports, state file and org/portal settings
 * @param io where to write
 * @param signal stops the emulators when aborted (tests); SIGINT/SIGTERM otherwise
 */
export async function emulatorCommand(
  options: EmulatorOptions,
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  let certificate: string | undefined;
  if (options.jwtCertificate) {
    try {
      certificate = readCertificate(options.jwtCertificate);
    } catch (error) {
      io.stderr(`boucle emulator: ${(error as Error).message}\n`);
      return EXIT.badInput;
    }
  }
  let running;
  try {
    running = await startEmulators({
      host: options.host,
      salesforcePort: options.salesforcePort,
      hubspotPort: options.hubspotPort,
      ...(options.data && { data: options.data }),
      salesforce: certificate ? { jwtCertificate: certificate } : {},
      hubspot: { customObjects: options.customObjects !== false },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr(
      `boucle emulator: ${code === 'EADDRINUSE' ? 'a port is already in use; pick others with --salesforce-port and --hubspot-port' : (error as Error).message}\n`,
    );
    return EXIT.failure;
  }
  io.stdout(
    [
      `Salesforce emulator: ${running.salesforceUrl}  (OAuth client credentials boucle-sandbox / sandbox)`,
      `HubSpot emulator:    ${running.hubspotUrl}  (private-app token pat-sandbox${options.customObjects === false ? ', no custom objects' : ''})`,
      `Admin API on both:   /__emulator/state, /__emulator/calls, /__emulator/faults, /__emulator/reset`,
      options.data
        ? `State kept in ${options.data}.salesforce.json and ${options.data}.hubspot.json`
        : 'State in memory (use --data FILE to keep it)',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    if (signal) signal.addEventListener('abort', () => resolve(), { once: true });
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await running.close();
  io.stdout('Emulators stopped.\n');
  return EXIT.ok;
}
