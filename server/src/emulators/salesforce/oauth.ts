import { createVerify, randomBytes } from 'node:crypto';
import type express from 'express';
import type { Request, Response } from 'express';
import type { CallLog, Faults } from '../common.ts';
import { identityResponse, userInfoResponse } from './identity.ts';
import { normalizeId } from './ids.ts';
import type { SalesforceOrg } from './org.ts';

export interface OAuthOptions {
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** PEM certificate (or public key) that JWT bearer assertions must be signed for. */
  readonly jwtCertificate?: string;
  readonly orgId: string;
  /** The API version the identity URL's `urls` name when the request names none. */
  readonly latestVersion: string;
}

/**
 * The org's OAuth 2.0 server: client-credentials and JWT bearer grants, the sessions their access
 * tokens open (expired by a fault's token TTL), revocation, the identity URL and OpenID userinfo.
 */
export class OAuthSessions {
  private readonly tokens = new Map<string, { issuedAt: number; userId: string }>();

  constructor(
    private readonly org: SalesforceOrg,
    private readonly options: OAuthOptions,
    private readonly calls: CallLog,
    private readonly faults: Faults,
  ) {}

  /** `/services/oauth2/*` and the identity URL. */
  register(app: express.Express): void {
    app.post('/services/oauth2/token', (req, res) => this.token(req, res));
    app.post('/services/oauth2/revoke', (req, res) => this.revoke(req, res));
    app.get('/services/oauth2/revoke', (req, res) => this.revoke(req, res));
    app.all('/services/oauth2/userinfo', (req, res) => this.identity(req, res, 'userinfo'));
    app.get('/id/:orgId/:userId', (req, res) => this.identity(req, res, 'id'));
  }

  reset(): void {
    this.tokens.clear();
  }

  token(req: Request, res: Response): void {
    this.calls.record('POST /services/oauth2/token', false);
    const form = (req.body ?? {}) as Record<string, string>;
    const fail = (error: string, description: string) =>
      void res.status(400).json({ error, error_description: description });
    let userId: string;
    if (form.grant_type === 'client_credentials') {
      if (form.client_id !== (this.options.clientId ?? 'boucle-sandbox'))
        return fail('invalid_client_id', 'client identifier invalid');
      if (form.client_secret !== (this.options.clientSecret ?? 'sandbox'))
        return fail('invalid_client', 'invalid client credentials');
      userId = this.org.integrationUserId();
      if (this.org.integrationPermissionSet)
        this.org.assign(userId, this.org.integrationPermissionSet);
    } else if (form.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const verdict = this.verifyAssertion(String(form.assertion ?? ''), req);
      if ('error' in verdict) return fail(verdict.error, verdict.description);
      userId = verdict.userId;
    } else {
      return fail('unsupported_grant_type', 'grant type not supported');
    }
    const accessToken = `${this.options.orgId}!${randomBytes(24).toString('base64url')}`;
    const issuedAt = Date.now();
    this.tokens.set(accessToken, { issuedAt, userId });
    const origin = `${req.protocol}://${req.get('host')}`;
    res.json({
      access_token: accessToken,
      signature: randomBytes(32).toString('base64'),
      scope: 'api',
      instance_url: origin,
      id: `${origin}/id/${this.options.orgId}/${userId}`,
      token_type: 'Bearer',
      issued_at: String(issuedAt),
    });
  }

  /** The live session of a bearer token (header, or `oauth_token` as the identity URL allows). */
  session(
    req: Request,
    acceptQueryToken = false,
  ): { issuedAt: number; userId: string } | undefined {
    const auth = /^(Bearer|OAuth) (.+)$/.exec(req.get('authorization') ?? '');
    const token =
      auth?.[2] ?? (acceptQueryToken ? (req.query.oauth_token as string | undefined) : undefined);
    const session = token ? this.tokens.get(token) : undefined;
    const ttl = this.faults.tokenTtlMs;
    if (!session || (ttl !== undefined && Date.now() - session.issuedAt >= ttl)) return undefined;
    return session;
  }

  /** The identity URL and the OpenID userinfo endpoint: 403 `Bad_OAuth_Token` without a session. */
  identity(req: Request, res: Response, kind: 'id' | 'userinfo'): void {
    this.calls.record(
      kind === 'id' ? 'GET /id/{orgId}/{userId}' : 'GET /services/oauth2/userinfo',
      false,
    );
    const session = this.session(req, kind === 'id');
    if (!session) return void res.status(403).type('text/plain').send('Bad_OAuth_Token');
    const params = req.params as Record<string, string>;
    const userId = kind === 'id' ? normalizeId(params.userId ?? '') : session.userId;
    const user = userId ? this.org.get(userId) : undefined;
    if (
      !user ||
      this.org.typeOf(String(user.Id)) !== 'User' ||
      (kind === 'id' && params.orgId !== this.options.orgId)
    )
      return void res.status(404).type('text/plain').send('Bad_Id');
    const context = {
      origin: `${req.protocol}://${req.get('host')}`,
      orgId: this.options.orgId,
      user,
      version: req.query.version as string | undefined,
      latestVersion: this.options.latestVersion,
    };
    res.json(kind === 'id' ? identityResponse(context) : userInfoResponse(context));
  }

  /** Revokes an access token (form or query `token`): 200, or 400 `invalid_token`. */
  revoke(req: Request, res: Response): void {
    this.calls.record('POST /services/oauth2/revoke', false);
    const token = String(
      (req.body as Record<string, string> | undefined)?.token ?? req.query.token ?? '',
    );
    if (!this.tokens.delete(token))
      return void res
        .status(400)
        .json({ error: 'invalid_token', error_description: 'Token was invalid' });
    res.status(200).end();
  }

  private verifyAssertion(
    assertion: string,
    req: Request,
  ): { userId: string } | { error: string; description: string } {
    const parts = assertion.split('.');
    if (parts.length !== 3) return { error: 'invalid_grant', description: 'invalid assertion' };
    const [header, payload, signature] = parts as [string, string, string];
    let claims: { iss?: string; sub?: string; aud?: string; exp?: number };
    try {
      const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as {
        alg?: string;
      };
      if (head.alg !== 'RS256')
        return { error: 'invalid_grant', description: 'invalid assertion: alg must be RS256' };
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { error: 'invalid_grant', description: 'invalid assertion' };
    }
    if (!this.options.jwtCertificate)
      return {
        error: 'invalid_grant',
        description: 'no certificate is configured for the JWT bearer flow',
      };
    const valid = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(this.options.jwtCertificate, Buffer.from(signature, 'base64url'));
    if (!valid) return { error: 'invalid_grant', description: 'invalid assertion signature' };
    if (claims.iss !== (this.options.clientId ?? 'boucle-sandbox'))
      return { error: 'invalid_client_id', description: 'client identifier invalid' };
    const origin = `${req.protocol}://${req.get('host')}`;
    if (
      !['https://login.salesforce.com', 'https://test.salesforce.com', origin].includes(
        String(claims.aud),
      )
    )
      return { error: 'invalid_grant', description: 'audience is invalid' };
    const nowSeconds = Date.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp < nowSeconds)
      return { error: 'invalid_grant', description: 'expired authorization code' };
    if (claims.exp > nowSeconds + 5 * 60)
      return {
        error: 'invalid_grant',
        description: 'exp is too far in the future: at most 3 minutes ahead',
      };
    const user = this.org.rows('User').find((row) => row.Username === claims.sub);
    if (!user) return { error: 'invalid_grant', description: "user hasn't approved this consumer" };
    return { userId: String(user.Id) };
  }
}
