import { describe, expect, it } from 'vitest';
import {
  Alert,
  Button,
  EmptyState,
  ErrorState,
  Form,
  Input,
  LoadingSpinner,
  Select,
  TableCell,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { ContactCardView } from '../src/app/cards/ContactCardView.jsx';
import { fakeFetch, settle } from './fakeBoucle.js';

const context = { crm: { objectId: 501, objectTypeId: '0-1' }, user: { locale: 'en-US' } };
const openCallback = {
  id: 'cb-1',
  answerId: 'typeform:r1',
  kind: 'detractor_recovery',
  status: 'open',
  slaHours: 24,
  createdAt: '2026-11-21T09:00:00.000Z',
  dueAt: '2026-11-22T09:00:00.000Z',
  slaStatus: 'overdue',
  hoursLeft: -3,
  crm: 'hubspot',
};
// What GET /hubspot/contacts/501 answers (shape of server/src/http/hubspotApp.ts).
const contact = {
  contact: { id: '501', email: 'claire@acme.example' },
  answers: [
    {
      id: 'r1',
      source: 'typeform',
      metric: 'nps',
      score: 3,
      comment: '<script>alert(1)</script> trop lent',
      touchpoint: 'after-sale',
      answeredAt: '2026-11-21T08:00:00.000Z',
      interactionId: 'ticket-9',
    },
  ],
  ratings: [{ interactionId: 'ticket-9', rating: 5, ratedAt: '2026-11-21T07:00:00.000Z' }],
  openCallbacks: [openCallback],
};

function renderCard(routes) {
  const fetch = fakeFetch(routes);
  const renderer = createRenderer('crm.record.tab');
  renderer.render(<ContactCardView context={context} fetch={fetch} />);
  return { ...renderer, fetch };
}

describe('the HubSpot contact card', () => {
  it('shows the answers, ratings and open callbacks of the contact', async () => {
    const { find, findAll, maybeFind } = renderCard({ 'GET /contacts/501': { body: contact } });
    expect(find(LoadingSpinner)).toBeTruthy();
    await settle();
    expect(maybeFind(LoadingSpinner)).toBeNull();
    const cells = findAll(TableCell).map((cell) => cell.text);
    expect(cells).toEqual(
      expect.arrayContaining(['NPS 3', 'after-sale', '<script>alert(1)</script> trop lent', '5/5']),
    );
  });

  it('offers only the moves the shared state machine allows', async () => {
    const { find } = renderCard({ 'GET /contacts/501': { body: contact } });
    await settle();
    expect(find(Select, { name: 'status' }).props.options.map((o) => o.value)).toEqual([
      'attempted',
      'reached',
      'escalated',
    ]);
    expect(find(Button).props.disabled).toBe(true);
  });

  it('logs an outcome through Boucle, then reloads the contact', async () => {
    let loads = 0;
    const { find, fetch } = renderCard({
      'GET /contacts/501': () => {
        loads++;
        return { body: contact };
      },
      'POST /callbacks/cb-1': { body: { ...openCallback, status: 'reached' } },
    });
    await settle();
    find(Select, { name: 'status' }).trigger('onChange', 'reached');
    find(Input, { name: 'outcome' }).trigger('onChange', '  Avoir accordé ');
    find(Input, { name: 'rootCause' }).trigger('onChange', 'Facturation');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(fetch).toHaveBeenCalledWith(
      'https://boucle.example.com/hubspot/callbacks/cb-1',
      expect.objectContaining({
        method: 'POST',
        body: { status: 'reached', outcome: 'Avoir accordé', rootCause: 'Facturation' },
      }),
    );
    expect(find(Alert).props).toMatchObject({ title: 'Callback logged.', variant: 'success' });
    expect(loads).toBe(2);
  });

  it('refuses what the state machine forbids before sending anything', async () => {
    const reached = { ...openCallback, status: 'reached', reachedAt: '2026-11-22T08:00:00.000Z' };
    const { find, fetch } = renderCard({
      'GET /contacts/501': { body: { ...contact, openCallbacks: [reached] } },
    });
    await settle();
    find(Select, { name: 'status' }).trigger('onChange', 'resolved');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(find(Alert).props).toMatchObject({
      title: 'an outcome is required to resolve a callback',
      variant: 'danger',
    });
    expect(fetch).toHaveBeenCalledTimes(1); // the load only
  });

  it('shows the reason Boucle gives when it refuses the outcome', async () => {
    const { find } = renderCard({
      'GET /contacts/501': { body: contact },
      'POST /callbacks/cb-1': {
        status: 409,
        body: {
          error: {
            code: 'invalid_transition',
            message: 'a callback cannot go from Resolved to Reached',
          },
        },
      },
    });
    await settle();
    find(Select, { name: 'status' }).trigger('onChange', 'reached');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(find(Alert).props.title).toBe('a callback cannot go from Resolved to Reached');
  });

  it('says when the contact never answered', async () => {
    const { find } = renderCard({
      'GET /contacts/501': { body: { ...contact, answers: [], ratings: [], openCallbacks: [] } },
    });
    await settle();
    expect(find(EmptyState).props.title).toBe('This contact has not answered any survey yet.');
  });

  it('shows why the contact cannot be loaded', async () => {
    const { find } = renderCard({
      'GET /contacts/501': {
        status: 404,
        body: { error: { message: 'No contact 501 in this portal' } },
      },
    });
    await settle();
    expect(find(ErrorState).props.title).toBe('Boucle could not load the feedback');
  });
});
