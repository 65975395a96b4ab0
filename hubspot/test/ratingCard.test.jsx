import { describe, expect, it, vi } from 'vitest';
import { Alert, Button, Form, TextArea, ToggleGroup } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { RatingCardView } from '../src/app/cards/RatingCardView.jsx';
import { fakeFetch, fromServer, serverRoutes, settle } from './fakeBoucle.js';

// What POST /hubspot/ratings answered in server/test/hubspot/backend.test.ts.
const accepted = fromServer('rating-accepted');
const refused = fromServer('rating-invalid');

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
      const { find, fetch } = renderCard(serverRoutes(accepted));
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
    const { find } = renderCard(serverRoutes(fromServer('rating-duplicate')));
    find(ToggleGroup).trigger('onChange', '2');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(find(Alert).props.title).toBe('You have already rated this answer.');
  });

  it('shows the field Boucle refuses, and lets the employee try again', async () => {
    const { find } = renderCard(serverRoutes(refused));
    find(ToggleGroup).trigger('onChange', '3');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(find(Alert).props).toMatchObject({
      title:
        'The rating is not valid — employeeEmail: must be an email address — rating: must be an integer from 1 to 5 — ratedAt: must be an ISO 8601 date-time with a time zone, e.g. 2026-11-20T09:14:00Z',
      variant: 'danger',
    });
    expect(find(Button).props.disabled).toBe(false);
  });
});
