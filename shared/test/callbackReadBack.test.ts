import { describe, expect, it } from 'vitest';
import type { Callback } from '../src/schemas/index.ts';
import { mergeCrmState } from '../src/index.ts';

const now = '2026-11-21T12:00:00.000Z';
const open: Callback = {
  id: 'cb-1',
  answerId: 'ans-1',
  kind: 'detractor_recovery',
  status: 'open',
  slaHours: 24,
  createdAt: '2026-11-20T09:00:00Z',
  dueAt: '2026-11-21T09:00:00Z',
};

describe('mergeCrmState', () => {
  it('takes a reached callback with its outcome, contacted when it was reached', () => {
    const reachedAt = '2026-11-21T08:00:00Z';
    expect(
      mergeCrmState(
        open,
        { status: 'reached', reachedAt, outcome: 'Avoir', rootCause: 'Prix' },
        now,
      ),
    ).toEqual({
      ...open,
      status: 'reached',
      reachedAt,
      firstContactAt: reachedAt,
      outcome: 'Avoir',
      rootCause: 'Prix',
    });
  });

  it('counts an attempt the CRM keeps no time for as contacted when the read-back first sees it', () => {
    expect(mergeCrmState(open, { status: 'attempted' }, now).firstContactAt).toBe(now);
  });

  it('keeps the first contact already known', () => {
    const attempted = {
      ...open,
      status: 'attempted' as const,
      firstContactAt: '2026-11-20T10:00:00Z',
    };
    expect(mergeCrmState(attempted, { status: 'reached' }, now).firstContactAt).toBe(
      '2026-11-20T10:00:00Z',
    );
  });

  it.each(['resolved', 'closed_no_contact'] as const)(
    'closes a callback %s in the CRM at now',
    (status) => {
      expect(mergeCrmState(open, { status }, now).closedAt).toBe(now);
    },
  );

  it('keeps the fields of the server-side callback the CRM does not hold', () => {
    const stored = { ...open, crm: 'salesforce', answerRef: 'api:ans-1' };
    expect(mergeCrmState(stored, { status: 'reached' }, now)).toMatchObject({
      crm: 'salesforce',
      answerRef: 'api:ans-1',
    });
  });

  it('takes the notes and follow-up action the manager wrote in the CRM', () => {
    expect(
      mergeCrmState(
        open,
        { status: 'resolved', notes: 'Rappelé, geste commercial', followUpAction: 'Avoir de 10 %' },
        now,
      ),
    ).toMatchObject({ notes: 'Rappelé, geste commercial', followUpAction: 'Avoir de 10 %' });
  });
});
