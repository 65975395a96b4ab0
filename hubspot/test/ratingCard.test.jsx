import { describe, expect, it, vi } from 'vitest';
import { Alert, Button, Form, TextArea, ToggleGroup } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { RatingCardView } from '../src/app/cards/RatingCardView.jsx';
import { fakeFetch, settle } from './fakeBoucle.js';

const context = {
  crm: { objectId: 9001, objectTypeId: '0-5' },
  user: { id: 77, email: 'paul@vendor.example', locale: 'en' },
};

function renderCard(routes) {
  const fetch = fakeFetch(routes);
  const renderer = createRenderer('crm.record.tab');
  renderer.render(<RatingCardView context={context} fetch={fetch} />);
  return { ...renderer, fetch };
}

describe('the HubSpot rating card', () => {
  it('offers five labelled scores and waits for one before Save', () => {
    const { find } = renderCard({});
    expect(find(ToggleGroup).props.options.map((o) => o.label)).toEqual([
      '1: poor',
      '2: weak',
      '3: fair',
      '4: good',
      '5: excellent',
    ]);
    expect(find(Button).props.disabled).toBe(true);
  });

  it('rates in two clicks: a score, then Save, for this ticket and this employee', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-22T12:00:00.000Z'), toFake: ['Date'] });
    try {
      const { find, fetch } = renderCard({
        'POST /ratings': { status: 202, body: { accepted: 1, duplicates: 0 } },
      });
      find(ToggleGroup).trigger('onChange', '4');
      find(TextArea).trigger('onChange', '  I had to improvise ');
      await settle();
      find(Form).trigger('onSubmit');
      await settle();
      expect(fetch).toHaveBeenCalledWith(
        'https://boucle.example.com/hubspot/ratings',
        expect.objectContaining({
          method: 'POST',
          body: {
            id: '9001:77',
            interactionId: '9001',
            employeeEmail: 'paul@vendor.example',
            rating: 4,
            comment: 'I had to improvise',
            ratedAt: '2026-11-22T12:00:00.000Z',
          },
        }),
      );
      expect(find(Alert).props).toMatchObject({
        title: 'Thank you: your rating is saved.',
        variant: 'success',
      });
      expect(find(Button).props.disabled).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says so when the answer was already rated', async () => {
    const { find } = renderCard({
      'POST /ratings': { status: 202, body: { accepted: 0, duplicates: 1 } },
    });
    find(ToggleGroup).trigger('onChange', '2');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(find(Alert).props.title).toBe('You have already rated this answer.');
  });

  it('shows the field Boucle refuses, and lets the employee try again', async () => {
    const { find } = renderCard({
      'POST /ratings': {
        status: 400,
        body: {
          error: {
            code: 'validation_failed',
            message: 'The rating is not valid',
            issues: [{ path: 'employeeEmail', message: 'must be an email address' }],
          },
        },
      },
    });
    find(ToggleGroup).trigger('onChange', '3');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(find(Alert).props).toMatchObject({
      title: 'The rating is not valid — employeeEmail: must be an email address',
      variant: 'danger',
    });
    expect(find(Button).props.disabled).toBe(false);
  });
});
