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
  Statistics,
  StatisticsItem,
  TableCell,
  Text,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { ContactCardView } from '../src/app/cards/ContactCardView.jsx';
import { fakeFetch, fromServer, likeServer, serverRoutes, settle } from './fakeBoucle.js';

// What GET /hubspot/contacts/:id answered in server/test/hubspot/backend.test.ts: Claire, her
// detractor answer "Trop lent" on case-9, the employee's 5/5 rating of it, and two open callbacks.
const recorded = fromServer('contact');
const contact = recorded.body;
const [openCallback] = contact.openCallbacks;
const context = {
  crm: { objectId: Number(contact.contact.id), objectTypeId: '0-1' },
  user: { locale: 'en-US' },
};
// What POST /hubspot/callbacks/:id answered: the callback reached, then the move it refused.
const reached = fromServer('callback-reached');
const refused = fromServer('callback-invalid-transition');

function renderCard(routes) {
  const fetch = fakeFetch(routes);
  const renderer = createRenderer('crm.record.tab');
  renderer.render(<ContactCardView context={context} fetch={fetch} />);
  return { ...renderer, fetch };
}

describe('the HubSpot contact card', () => {
  it('shows the answers, ratings and open callbacks of the contact', async () => {
    const { find, findAll, maybeFind } = renderCard(serverRoutes(recorded));
    expect(find(LoadingSpinner)).toBeTruthy();
    await settle();
    expect(maybeFind(LoadingSpinner)).toBeNull();
    const cells = findAll(TableCell).map((cell) => cell.text);
    expect(cells).toEqual(
      expect.arrayContaining(['Nov 22, 2026', 'NPS 2', 'After-sale', 'Trop lent', '5/5']),
    );
  });

  it("shows the contact's latest NPS, CSAT and CES beside the answers", async () => {
    const [answer] = contact.answers;
    const withAll = likeServer(contact, {
      answers: [
        { ...answer, id: 'c2', metric: 'ces', score: 3, comment: undefined },
        { ...answer, id: 'c1', metric: 'csat', score: 4, comment: undefined },
        answer,
      ],
    });
    const { findByTestId } = renderCard({ [recorded.request]: { body: withAll } });
    await settle();
    const items = findByTestId(Statistics, 'latest-scores').findAll(StatisticsItem);
    expect(items.map((item) => [item.props.label, item.props.number])).toEqual([
      ['Latest NPS', '2 / 10'],
      ['Latest CSAT', '4 / 5'],
      ['Latest CES', '3 / 7'],
    ]);
    expect(items[0].find(Text).text).toBe('Nov 22, 2026');
  });

  it('shows a comment as text, never as markup', async () => {
    const [answer] = contact.answers;
    const withMarkup = likeServer(contact, {
      answers: [{ ...answer, comment: '<script>alert(1)</script> trop lent' }],
    });
    const { findAll } = renderCard({ [recorded.request]: { body: withMarkup } });
    await settle();
    expect(findAll(TableCell).map((cell) => cell.text)).toContain(
      '<script>alert(1)</script> trop lent',
    );
  });

  it('offers only the moves the shared state machine allows', async () => {
    const { find } = renderCard(serverRoutes(recorded));
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
      [recorded.request]: () => {
        loads++;
        return { body: contact };
      },
      ...serverRoutes(reached),
    });
    await settle();
    find(Select, { name: 'status' }).trigger('onChange', 'reached');
    find(Input, { name: 'outcome' }).trigger('onChange', '  Avoir accordé ');
    find(Input, { name: 'rootCause' }).trigger('onChange', 'Facturation');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(fetch).toHaveBeenCalledWith(
      `https://boucle.example.com/hubspot/callbacks/${encodeURIComponent(openCallback.id)}`,
      expect.objectContaining({
        method: 'POST',
        body: { status: 'reached', outcome: 'Avoir accordé', rootCause: 'Facturation' },
      }),
    );
    expect(find(Alert).props).toMatchObject({ title: 'Callback logged.', variant: 'success' });
    expect(loads).toBe(2);
  });

  it('refuses what the state machine forbids before sending anything', async () => {
    // The contact once the callback was reached, as the server answered, but without an outcome.
    const afterReach = fromServer('contact-callback-reached');
    const [{ outcome, ...withoutOutcome }] = afterReach.body.openCallbacks;
    expect(outcome).toBeTruthy();
    const { find, fetch } = renderCard({
      [afterReach.request]: {
        body: likeServer(afterReach.body, { openCallbacks: [withoutOutcome] }),
      },
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
    // The card allows the move (another manager logged the callback meanwhile); the server refuses.
    const { find } = renderCard(serverRoutes(recorded, refused));
    await settle();
    find(Select, { name: 'status' }).trigger('onChange', 'attempted');
    await settle();
    find(Form).trigger('onSubmit');
    await settle();
    expect(find(Alert).props).toMatchObject({
      title: 'a callback cannot go from Reached to Attempted',
      variant: 'danger',
    });
  });

  it('says when the contact never answered', async () => {
    const { find } = renderCard({
      [recorded.request]: {
        body: likeServer(contact, { answers: [], ratings: [], openCallbacks: [] }),
      },
    });
    await settle();
    expect(find(EmptyState).props.title).toBe('This contact has not answered any survey yet.');
  });

  it('shows why the contact cannot be loaded', async () => {
    const { status, body } = fromServer('invalid-signature');
    const { find } = renderCard({ [recorded.request]: { status, body } });
    await settle();
    expect(find(ErrorState).props.title).toBe('Boucle could not load the feedback');
    expect(find(ErrorState).find(Text).text).toBe(body.error.message);
  });
});
