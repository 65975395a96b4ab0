import { toFieldIssues } from '@boucle/shared/schemas';
import express from 'express';
import { ApiError } from '../errors.ts';
import { erasePerson, erasureRequestSchema, erasureView, type ErasureDeps } from './requests.ts';

/**
 * `POST /v1/erasures {"email"}` (202 with the erasure, the same one for the same address) and
 * `GET /v1/erasures/{id}` (its progress per CRM and its audit log), under `/v1`'s API key and
 * JSON body parsing. The request erases the store's part at once and queues the CRMs' part.
 */
export function erasureRouter(deps: ErasureDeps): express.Router {
  const router = express.Router();
  router.post('/erasures', async (req, res) => {
    const parsed = erasureRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error, req.body);
      throw new ApiError(
        400,
        'validation_failed',
        issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        issues,
      );
    }
    const { id } = await erasePerson(deps, parsed.data.email, 'api');
    const erasure = await deps.store.getErasure(id);
    res
      .status(202)
      .location(`/v1/erasures/${id}`)
      .json(erasure ? erasureView(erasure) : { id });
  });
  router.get('/erasures/:id', async (req, res) => {
    const erasure = await deps.store.getErasure(String(req.params.id));
    if (!erasure)
      throw new ApiError(404, 'not_found', `No erasure ${String(req.params.id)}`, [
        { path: 'id', message: 'is not the id of an erasure (POST /v1/erasures returns it)' },
      ]);
    res.json(erasureView(erasure));
  });
  return router;
}
