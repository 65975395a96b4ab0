import type { Answer } from '@boucle/shared/schemas';
import type { Resolution } from '../adapter.ts';
import type { ResolutionCache } from '../resolutionCache.ts';
import type { SalesforceClient } from './client.ts';

type Row = {
  Id: string;
  Email?: string;
  AccountId?: string;
  Website?: string;
  OwnerId?: string;
  Account?: { OwnerId?: string; Owner?: { ManagerId?: string } | null } | null;
  Owner?: { ManagerId?: string } | null;
};

const hostOf = (website: string) =>
  website
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/$/, '');

/** Variants under which a domain may be stored in Account.Website. */
export function websiteVariants(domain: string): string[] {
  const bare = domain.toLowerCase().replace(/^www\./, '');
  return [bare, `www.${bare}`].flatMap((host) => [
    host,
    `http://${host}`,
    `https://${host}`,
    `https://${host}/`,
  ]);
}

/**
 * Who each answer is about in the org, by batched SOQL: the contact by e-mail (with its account,
 * owner and owner's manager), else the account by id, else by the domain of its website. An
 * answer missing from the map is not in the org yet.
 */
export async function resolveAnswers(
  client: SalesforceClient,
  resolved: ResolutionCache,
  items: readonly { ref: string; answer: Answer }[],
): Promise<Map<string, Resolution>> {
  const accountResolution = (account: Row): Resolution => ({
    accountId: account.Id,
    ...(account.OwnerId && { ownerId: account.OwnerId }),
    ...(account.Owner?.ManagerId && { managerId: account.Owner.ManagerId }),
  });
  const emails = items
    .map((i) => i.answer.respondent?.email?.toLowerCase())
    .filter((e): e is string => Boolean(e));
  const contacts = await resolved.get('contact', emails, async (missing) => {
    const rows = await client.queryIn<Row>(
      (list) =>
        `SELECT Id, Email, AccountId, Account.OwnerId, Account.Owner.ManagerId FROM Contact WHERE Email IN (${list})`,
      missing,
    );
    return new Map(
      rows
        .filter((c) => c.Email)
        .map((c): [string, Resolution] => [
          String(c.Email).toLowerCase(),
          {
            contactId: c.Id,
            ...(c.AccountId && { accountId: c.AccountId }),
            ...(c.Account?.OwnerId && { ownerId: c.Account.OwnerId }),
            ...(c.Account?.Owner?.ManagerId && { managerId: c.Account.Owner.ManagerId }),
          },
        ]),
    );
  });
  const accountIds = items
    .map((i) => i.answer.account?.crmAccountId)
    .filter(
      (id): id is string => Boolean(id) && /^001[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/.test(String(id)),
    );
  const byId = await resolved.get(
    'accountId',
    accountIds.map((id) => id.slice(0, 15)),
    async (missing) => {
      const rows = await client.queryIn<Row>(
        (list) => `SELECT Id, OwnerId, Owner.ManagerId FROM Account WHERE Id IN (${list})`,
        missing,
      );
      return new Map(
        rows.map((a): [string, Resolution] => [a.Id.slice(0, 15), accountResolution(a)]),
      );
    },
  );
  const domainOf = (answer: Answer) =>
    (answer.account?.domain ?? answer.respondent?.email?.split('@')[1])
      ?.toLowerCase()
      .replace(/^www\./, '');
  const contactOf = (answer: Answer) =>
    answer.respondent?.email ? contacts.get(answer.respondent.email.toLowerCase()) : undefined;
  const accountById = (answer: Answer) =>
    answer.account?.crmAccountId ? byId.get(answer.account.crmAccountId.slice(0, 15)) : undefined;
  // Domains are looked up only for answers that neither their contact nor an account id resolved.
  const domains = items
    .filter(({ answer }) => !contactOf(answer)?.accountId && !accountById(answer))
    .map(({ answer }) => domainOf(answer))
    .filter((d): d is string => Boolean(d));
  const byDomain = await resolved.get('domain', domains, async (missing) => {
    const rows = await client.queryIn<Row>(
      (list) =>
        `SELECT Id, Website, OwnerId, Owner.ManagerId FROM Account WHERE Website IN (${list})`,
      missing.flatMap(websiteVariants),
    );
    const found = new Map<string, Resolution>();
    for (const account of rows) {
      const host = hostOf(String(account.Website ?? ''));
      if (!found.has(host)) found.set(host, accountResolution(account));
    }
    return found;
  });
  const resolutions = new Map<string, Resolution>();
  for (const { ref, answer } of items) {
    const contact = contactOf(answer);
    const domain = domainOf(answer);
    const account =
      accountById(answer) ??
      (contact?.accountId ? undefined : domain ? byDomain.get(domain) : undefined);
    if (!contact && !account) continue;
    resolutions.set(ref, {
      ...contact,
      ...account,
      ...(contact?.contactId && { contactId: contact.contactId }),
    });
  }
  return resolutions;
}
