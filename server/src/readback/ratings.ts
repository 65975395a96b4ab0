import type { Logger } from 'pino';
import type { CrmAdapter } from '../crm/adapter.ts';
import type { Crm, Store } from '../store/store.ts';

export interface RatingsReadBackOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly adapters: readonly CrmAdapter[];
  /** Every CRM the ratings taken in are synced to. */
  readonly crms: readonly Crm[];
  /** Wakes the sync loops when ratings came in. */
  readonly poke: () => void;
}

/**
 * Where ratings employees entered in a CRM itself come back (Salesforce's npsResponseRating): read
 * from a cursor kept in the store (`<crm>.ratingsReadBackCursor`), taken in as ratings sent to the
 * API are (an edited one replaces the stored one) and queued to every CRM. A CRM that cannot be
 * read leaves its cursor where it was, so the next sweep reads the same records again. Returns how
 * many ratings were accepted or revised. The caller runs it one replica at a time.
 */
export async function readRatingsBack(options: RatingsReadBackOptions): Promise<number> {
  const { store, logger } = options;
  let taken = 0;
  for (const adapter of options.adapters) {
    if (!adapter.readRatings) continue;
    const cursorName = `${adapter.crm}.ratingsReadBackCursor`;
    const since = await store.getCursor(cursorName);
    let page;
    try {
      page = await adapter.readRatings(since);
    } catch (error) {
      logger.warn(
        { crm: adapter.crm, err: error instanceof Error ? error.message : String(error) },
        'could not read ratings back; they are read at the next sweep',
      );
      continue;
    }
    for (const problem of page.problems)
      logger.warn({ crm: adapter.crm, problem }, 'a rating in the CRM was left out');
    const { accepted, revised } = await store.reviseRatings(
      page.ratings,
      options.crms,
      options.clock(),
    );
    if (page.cursor && page.cursor !== since) await store.setCursor(cursorName, page.cursor);
    if (accepted + revised > 0) {
      logger.info({ crm: adapter.crm, accepted, revised }, 'read ratings back');
      options.poke();
    }
    taken += accepted + revised;
  }
  return taken;
}
