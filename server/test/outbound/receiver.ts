import { createServer, type IncomingHttpHeaders } from 'node:http';

/** A request the receiver got: its raw body as sent, and its headers. */
export interface Received {
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * A local HTTP endpoint standing for a survey tool or an alerting service: it records each
 * request's raw body and headers, and answers with the status `reply` gives (200 by default).
 */
export async function startReceiver(reply: () => number = () => 200) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.statusCode = reply();
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks/boucle`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Standard Webhooks secret for tests: `whsec_` and 32 bytes in base64. */
export const TEST_SECRET = `whsec_${Buffer.from('boucle-test-secret-of-32-bytes!!').toString('base64')}`;
