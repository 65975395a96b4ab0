import type { HubSpotClient } from './client.ts';

/** A feedback submission (Service Hub survey) with its contact's e-mail. */
export interface FeedbackSubmission {
  readonly id: string;
  readonly createdAt: string;
  readonly properties: Record<string, string | null>;
  readonly email?: string;
}

/**
 * Feedback submissions (Service Hub surveys) created after `sinceIso`, oldest first, with their
 * contact's e-mail: a search (a scheduled poll, not the sync's hot path), then one association
 * read and one contact read for the whole page.
 */
export async function feedbackSince(
  api: HubSpotClient,
  sinceIso: string,
  limit = 100,
): Promise<FeedbackSubmission[]> {
  const page = (await api.call(() =>
    api.client.crm.objects.searchApi.doSearch('feedback_submissions', {
      filterGroups: [
        {
          filters: [
            {
              propertyName: 'hs_createdate',
              operator: 'GT' as never,
              value: String(Date.parse(sinceIso)),
            },
          ],
        },
      ],
      sorts: [{ propertyName: 'hs_createdate', direction: 'ASCENDING' } as never],
      properties: [
        'hs_createdate',
        'hs_survey_type',
        'hs_response_value',
        'hs_content',
        'hs_survey_name',
      ],
      limit,
      after: '0',
    } as never),
  )) as {
    results: {
      id: string;
      createdAt: Date | string;
      properties: Record<string, string | null>;
    }[];
  };
  if (page.results.length === 0) return [];
  const links = await api.call(() =>
    api.client.crm.associations.v4.batchApi.getPage('feedback_submissions', 'contacts', {
      inputs: page.results.map((r) => ({ id: r.id })),
    }),
  );
  const contactOf = new Map(
    links.results.map((l) => [String(l._from.id), String(l.to[0]?.toObjectId ?? '')]),
  );
  const contactIds = [...new Set([...contactOf.values()].filter(Boolean))];
  const emails = new Map(
    (await api.batchRead('contacts', contactIds, undefined, ['email'])).map((c) => [
      c.id,
      c.properties.email ?? undefined,
    ]),
  );
  return page.results.map((r) => {
    const email = emails.get(contactOf.get(r.id) ?? '');
    return {
      id: r.id,
      createdAt: new Date(r.createdAt).toISOString(),
      properties: r.properties,
      ...(email && { email }),
    };
  });
}
