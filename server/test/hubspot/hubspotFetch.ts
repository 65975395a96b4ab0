import { Signature } from '@hubspot/api-client';

/** The escapes HubSpot's "Validating requests" page (v3) says are decoded in the signed URI. */
const hubspotDecoded = (url: string) =>
  url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (e) =>
    String.fromCharCode(parseInt(e.slice(1), 16)),
  );

/**
 * A request as HubSpot's hubspot.fetch proxy sends it to `base`/hubspot`path`: the card's URL (ids
 * encoded by the card), the proxy's query parameters appended (userEmail with its @ encoded), signed
 * with @hubspot/api-client's Signature over the URI with HubSpot's escapes decoded.
 */
export function hubspotFetchRequest(options: {
  base: string;
  method: string;
  path: string;
  payload?: unknown;
  portal: number;
  secret: string;
  at?: number;
}): { url: string; init: RequestInit } {
  const separator = options.path.includes('?') ? '&' : '?';
  const url = `${options.base}/hubspot${options.path}${separator}userId=1&userEmail=paul%40vendor.example&appId=9&portalId=${options.portal}`;
  const body = options.payload === undefined ? '' : JSON.stringify(options.payload);
  const timestamp = options.at ?? Date.now();
  const signature = Signature.getSignature(options.method, 'v3', {
    signature: '', // the options type wants one; getSignature computes it
    clientSecret: options.secret,
    url: hubspotDecoded(url),
    requestBody: body,
    timestamp,
  });
  return {
    url,
    init: {
      method: options.method,
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': String(timestamp),
      },
      ...(body && { body }),
    },
  };
}

/**
 * Sends a request signed for a public address (perhaps again) to a replica behind the load
 * balancer, which forwards the public scheme and host as proxies do.
 */
export async function send(
  request: { url: string; init: RequestInit },
  replica?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const publicUrl = new URL(request.url);
  const url = replica ? `${replica}${publicUrl.pathname}${publicUrl.search}` : request.url;
  const response = await fetch(url, {
    ...request.init,
    headers: {
      ...(request.init.headers as Record<string, string>),
      ...(replica && {
        'x-forwarded-proto': publicUrl.protocol.replace(':', ''),
        'x-forwarded-host': publicUrl.host,
      }),
    },
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}
