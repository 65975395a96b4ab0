/**
 * The identity resources around a Salesforce access token: the identity URL returned as `id` in the
 * token response (what jsforce's `identity()` reads), the OpenID Connect `userinfo` endpoint (what
 * the Salesforce CLI reads to learn who a token belongs to) and their shared user details.
 * Field names follow Salesforce's "Identity URLs" and "UserInfo Endpoint" help pages.
 */

type Row = Record<string, unknown>;

export interface IdentityContext {
  /** `http://host:port` of the emulator (login and instance URL at once). */
  readonly origin: string;
  readonly orgId: string;
  readonly user: Row;
  /** `version` query parameter: a number, `latest`, or absent (URLs keep `{version}`). */
  readonly version?: string;
  readonly latestVersion: string;
}

const text = (value: unknown): string | null =>
  value === undefined || value === null || value === '' ? null : String(value);

function apiUrls(context: IdentityContext): Record<string, string> {
  const { origin, orgId } = context;
  const requested = context.version === 'latest' ? context.latestVersion : context.version;
  const version = requested && /^\d+\.\d+$/.test(requested) ? requested : '{version}';
  const data = `${origin}/services/data/v${version}`;
  return {
    enterprise: `${origin}/services/Soap/c/${version}/${orgId}`,
    metadata: `${origin}/services/Soap/m/${version}/${orgId}`,
    partner: `${origin}/services/Soap/u/${version}/${orgId}`,
    rest: `${data}/`,
    sobjects: `${data}/sobjects/`,
    search: `${data}/search/`,
    query: `${data}/query/`,
    recent: `${data}/recent/`,
    tooling_soap: `${origin}/services/Soap/T/${version}/${orgId}`,
    tooling_rest: `${data}/tooling/`,
    profile: `${origin}/${String(context.user.Id)}`,
    feeds: `${data}/chatter/feeds`,
    groups: `${data}/chatter/groups`,
    users: `${data}/chatter/users`,
    feed_items: `${data}/chatter/feed-items`,
    feed_elements: `${data}/chatter/feed-elements`,
    custom_domain: origin,
  };
}

function common(context: IdentityContext): Row {
  const { user } = context;
  const timezone = text(user.TimeZoneSidKey) ?? 'Europe/Paris';
  const language = text(user.LanguageLocaleKey) ?? 'en_US';
  return {
    user_id: String(user.Id),
    organization_id: context.orgId,
    email: text(user.Email),
    email_verified: true,
    photos: {
      picture: `${context.origin}/img/userprofile/default_profile_200_v2.png`,
      thumbnail: `${context.origin}/img/userprofile/default_profile_45_v2.png`,
    },
    urls: apiUrls(context),
    active: user.IsActive !== false,
    user_type: 'STANDARD',
    language,
    locale: language,
    utcOffset: 3_600_000,
    is_app_installed: true,
    _timezone: timezone,
  };
}

/** `GET /id/{orgId}/{userId}`: the identity URL's JSON answer. */
export function identityResponse(context: IdentityContext): Row {
  const { user, origin, orgId } = context;
  const { _timezone, ...shared } = common(context);
  const name = text(user.Name) ?? [user.FirstName, user.LastName].filter(Boolean).join(' ');
  return {
    id: `${origin}/id/${orgId}/${String(user.Id)}`,
    asserted_user: true,
    username: String(user.Username),
    nick_name: String(user.Username).split('@')[0],
    display_name: name,
    first_name: text(user.FirstName),
    last_name: text(user.LastName),
    timezone: _timezone,
    addr_street: null,
    addr_city: null,
    addr_state: null,
    addr_country: null,
    addr_zip: null,
    mobile_phone: null,
    mobile_phone_verified: false,
    is_lightning_login_user: false,
    status: { created_date: null, body: null },
    last_modified_date: text(user.LastModifiedDate),
    ...shared,
  };
}

/** `GET /services/oauth2/userinfo`: the OpenID Connect claims for the token's user. */
export function userInfoResponse(context: IdentityContext): Row {
  const { user, origin, orgId } = context;
  const { _timezone, ...shared } = common(context);
  const name = text(user.Name) ?? [user.FirstName, user.LastName].filter(Boolean).join(' ');
  return {
    sub: `${origin}/id/${orgId}/${String(user.Id)}`,
    preferred_username: String(user.Username),
    nickname: String(user.Username).split('@')[0],
    name,
    given_name: text(user.FirstName),
    family_name: text(user.LastName),
    zoneinfo: _timezone,
    profile: `${origin}/${String(user.Id)}`,
    picture: `${origin}/img/userprofile/default_profile_200_v2.png`,
    address: {},
    is_salesforce_integration_user: false,
    updated_at: text(user.LastModifiedDate),
    ...shared,
  };
}
