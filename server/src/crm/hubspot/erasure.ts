import { classifyScore } from '@boucle/shared';
import type { Answer } from '@boucle/shared/schemas';
import { CrmError } from '../../errors.ts';
import type { ErasureOutcome, ErasureWrite, RecordResult } from '../adapter.ts';
import { crmKey } from '../keys.ts';
import { chunks, perInput, type BatchResponse, type HubSpotClient } from './client.ts';
import { answerNoteProperties, ratingNoteProperties, TASK_SUBJECTS } from './mappers.ts';
import { SURVEY_OBJECT } from './setup.ts';

/** HubSpot batch endpoints take 100 inputs. */
const BATCH = 100;

interface Found {
  readonly objectType: string;
  readonly id: string;
  readonly ref: string;
  readonly properties: Record<string, string>;
  /** Linked to the person's contact by Boucle (answers and tasks; ratings are not). */
  readonly linked: boolean;
  readonly deleted: boolean;
}

/**
 * Erases a person's records in HubSpot: finds Boucle's records by `boucle_external_id` (batch
 * read), clears what holds the person (batch update: the verbatim, a note's text, a task's
 * subject naming the e-mail and its body), then deletes the survey responses and ratings (batch
 * archive) unless statistics are kept, in which case the records kept lose their association to
 * the person's contact (v4 batch archive). Tasks are kept, redacted. The last score Boucle wrote
 * on the person's contact is cleared. Values are cleared before
 * the archive because HubSpot keeps archived records, values included, 90 days in its recycling
 * bin.
 */
export async function eraseInHubSpot(
  api: HubSpotClient,
  surveyStorage: 'custom_object' | 'notes',
  write: ErasureWrite,
): Promise<ErasureOutcome> {
  const answerType = surveyStorage === 'custom_object' ? SURVEY_OBJECT : 'notes';
  const remove = !write.keepStatistics;
  const found: Found[] = [];
  const find = async (
    objectType: string,
    items: readonly { ref: string; properties: Record<string, string> }[],
    linked: boolean,
    deleted: boolean,
  ) => {
    if (items.length === 0) return;
    const byKey = new Map(items.map((item) => [crmKey(item.ref), item]));
    let records;
    try {
      records = await api.batchRead(objectType, [...byKey.keys()], 'boucle_external_id', [
        'boucle_external_id',
      ]);
    } catch (error) {
      // A batch whose every key is missing may come back as a 404 (see `readTasks`): none there.
      if ((error as CrmError).status === 404) return;
      throw error;
    }
    for (const record of records) {
      const item = byKey.get(String(record.properties.boucle_external_id));
      if (item)
        found.push({
          objectType,
          id: record.id,
          ref: item.ref,
          properties: item.properties,
          linked,
          deleted,
        });
    }
  };
  /** A survey response's verbatim, or an answer note's text (rewritten without it when kept). */
  const clearAnswer = (ref: string, answer: Answer | undefined): Record<string, string> => {
    if (answerType === SURVEY_OBJECT) return { boucle_comment: '' };
    const category = answer && classifyScore(answer.metric, answer.score);
    return {
      hs_note_body:
        answer && category && !remove
          ? (answerNoteProperties({ ref, answer, resolution: {}, category }).hs_note_body ?? '')
          : '',
    };
  };
  await find(
    answerType,
    write.answers.map(({ ref, answer }) => ({ ref, properties: clearAnswer(ref, answer) })),
    true,
    remove,
  );
  await find(
    'notes',
    write.ratings.map(({ ref, rating }) => ({
      ref,
      properties: {
        hs_note_body:
          rating && !remove ? (ratingNoteProperties({ ref, rating }).hs_note_body ?? '') : '',
      },
    })),
    false,
    remove,
  );
  await find(
    'tasks',
    write.callbacks.map((callback) => ({
      ref: callback.id,
      properties: {
        hs_task_subject: TASK_SUBJECTS[callback.kind],
        hs_task_body: callback.reason ?? '',
        boucle_outcome: '',
      },
    })),
    true,
    false,
  );

  const refused = new Map<string, CrmError>();
  const refOfId = new Map(found.map((f) => [f.id, f.ref]));
  const settle = (results: Map<string, RecordResult>) => {
    for (const [id, result] of results) {
      if (result.ok) continue;
      // A call that failed as a whole says nothing of the records: the erasure runs again later.
      if (result.unsent) throw result.error;
      refused.set(refOfId.get(id) ?? id, result.error);
    }
  };
  /** A call refused as a whole for good refuses its records; anything else may pass: thrown. */
  const refuseOrThrow = (error: unknown, records: readonly Found[]) => {
    if (!(error instanceof CrmError) || error.retryable) throw error;
    for (const record of records) refused.set(record.ref, error);
  };
  for (const objectType of new Set(found.map((f) => f.objectType))) {
    const ofType = found.filter((f) => f.objectType === objectType);
    settle(
      await api.inBatches(
        ofType.map((f) => ({ key: f.id, properties: f.properties })),
        async (batch) =>
          perInput(
            (await api.call(() =>
              api.client.crm.objects.batchApi.update(objectType, {
                inputs: batch.map((item) => ({
                  id: item.key,
                  properties: item.properties,
                  objectWriteTraceId: item.key,
                })),
              }),
            )) as unknown as BatchResponse,
            (result) => result.id,
          ),
      ),
    );
    const doomed = ofType.filter((f) => f.deleted && !refused.has(f.ref));
    for (const batch of chunks(doomed, BATCH)) {
      try {
        await api.call(() =>
          api.client.crm.objects.batchApi.archive(objectType, {
            inputs: batch.map((f) => ({ id: f.id })),
          }),
        );
      } catch (error) {
        refuseOrThrow(error, batch);
      }
    }
    const kept = ofType.filter((f) => f.linked && !f.deleted && !refused.has(f.ref));
    if (write.contactIds.length === 0) continue;
    for (const batch of chunks(kept, BATCH)) {
      try {
        await api.call(() =>
          api.client.crm.associations.v4.batchApi.archive(objectType, 'contacts', {
            inputs: batch.map((f) => ({
              // The client's model names it `_from`; it goes over the wire as `from`.
              _from: { id: f.id },
              to: write.contactIds.map((id) => ({ id })),
            })),
          }),
        );
      } catch (error) {
        refuseOrThrow(error, batch);
      }
    }
  }
  // The person's last score on their contact, which Boucle wrote there with the rollups. A contact
  // HubSpot refuses is gone already (a privacy deletion removes it): nothing left to clear.
  const cleared = await api.inBatches(
    write.contactIds.map((id) => ({ key: id })),
    async (batch) =>
      perInput(
        (await api.call(() =>
          api.client.crm.contacts.batchApi.update({
            inputs: batch.map((c) => ({
              id: c.key,
              properties: { boucle_last_score: '', boucle_last_survey_at: '' },
              objectWriteTraceId: c.key,
            })),
          }),
        )) as unknown as BatchResponse,
        (result) => result.id,
      ),
  );
  const outage = [...cleared.values()].find((r) => !r.ok && r.unsent);
  if (outage && !outage.ok) throw outage.error;
  return {
    erased: found.length - refused.size,
    refused: [...refused].map(([ref, error]) => ({ ref, error })),
  };
}
