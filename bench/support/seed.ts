/**
 * The benchmarks' CRM data: an owner per 10 accounts, accounts with domains, contacts spread over
 * them, loaded into both emulators through their admin API (not counted as API calls).
 */
import { emulatorAdmin } from './emulators.ts';

export interface SeededContact {
  readonly email: string;
  readonly account: number;
}

export async function seedCrms(
  urls: { readonly salesforce: string; readonly hubspot: string },
  accountCount: number,
  contactCount: number,
): Promise<{ owners: number; contacts: SeededContact[] }> {
  const owners = (
    await emulatorAdmin(urls.salesforce, 'records', {
      User: Array.from({ length: Math.ceil(accountCount / 10) }, (_, i) => ({
        Username: `owner${i}@vendor.example`,
        LastName: `Owner ${i}`,
        Email: `owner${i}@vendor.example`,
      })),
    })
  ).User as { id: string }[];
  const accounts = (
    await emulatorAdmin(urls.salesforce, 'records', {
      Account: Array.from({ length: accountCount }, (_, i) => ({
        Name: `Account ${i}`,
        Website: `account${i}.example`,
        OwnerId: owners[Math.floor(i / 10)]?.id,
      })),
    })
  ).Account as { id: string }[];
  const contacts = Array.from({ length: contactCount }, (_, i) => ({
    email: `contact${i}@account${i % accountCount}.example`,
    account: i % accountCount,
  }));
  await emulatorAdmin(urls.salesforce, 'records', {
    Contact: contacts.map((c) => ({
      LastName: `Contact ${c.email}`,
      Email: c.email,
      AccountId: accounts[c.account]?.id,
    })),
  });
  await emulatorAdmin(urls.hubspot, 'records', {
    owners: owners.map((_, i) => ({ id: String(500 + i), email: `owner${i}@vendor.example` })),
    companies: Array.from({ length: accountCount }, (_, i) => ({
      properties: {
        name: `Account ${i}`,
        domain: `account${i}.example`,
        hubspot_owner_id: String(500 + Math.floor(i / 10)),
      },
    })),
    contacts: contacts.map((c) => ({ properties: { email: c.email } })),
  });
  return { owners: owners.length, contacts };
}
