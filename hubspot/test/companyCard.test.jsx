import { describe, expect, it } from 'vitest';
import {
  EmptyState,
  ErrorState,
  LoadingSpinner,
  StatisticsItem,
  StatusTag,
  TableCell,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { DEFAULT_TOUCHPOINTS, journeySteps, roundSummary } from '../src/app/cards/boucle-core.js';
import { CompanyCardView } from '../src/app/cards/CompanyCardView.jsx';
import { fakeFetch, settle } from './fakeBoucle.js';

const context = (locale = 'en') => ({
  crm: { objectId: 1234, objectTypeId: '0-2' },
  user: { locale },
});

// What GET /hubspot/companies/1234/summary answers (shape of server/src/http/summary.ts).
const summary = {
  company: { id: '1234', name: 'Acme' },
  window: { from: '2026-08-24T12:00:00.000Z', to: '2026-11-22T12:00:00.000Z', days: 90 },
  overall: {
    n: 4,
    promoters: 2,
    passives: 1,
    detractors: 1,
    nps: 25,
    margin: 41.2,
    lowSample: true,
  },
  trend: [
    {
      key: '2026-11',
      n: 4,
      promoters: 2,
      passives: 1,
      detractors: 1,
      nps: 25,
      margin: 41.2,
      lowSample: true,
    },
  ],
  touchpoints: [
    {
      key: 'after-sale',
      n: 3,
      promoters: 2,
      passives: 0,
      detractors: 1,
      nps: 33.3,
      margin: 50,
      lowSample: true,
    },
    {
      key: 'unspecified',
      n: 1,
      promoters: 0,
      passives: 1,
      detractors: 0,
      nps: 0,
      margin: 0,
      lowSample: true,
    },
  ],
  verbatims: [
    {
      answerId: 'a1',
      metric: 'nps',
      score: 3,
      category: 'detractor',
      comment: 'Délai <b>beaucoup</b> trop long',
      answeredAt: '2026-11-20T10:00:00.000Z',
    },
  ],
  norm: {
    nps: 10,
    margin: 8,
    comparison: { delta: 15, combinedMargin: 42, significant: false, direction: 'level' },
  },
  openCallbacks: [
    {
      id: 'cb1',
      kind: 'detractor_recovery',
      status: 'open',
      dueAt: '2026-11-21T10:00:00.000Z',
      slaStatus: 'overdue',
      hoursLeft: -26,
    },
  ],
};

// The journey part of the summary, computed as the server computes it (shared/, shipped journey):
// pre-sale met, contracting missed, after-sale above its target but within the margin, and a
// touchpoint outside the journey.
const many = (count, score, touchpoint) =>
  Array.from({ length: count }, () => ({ metric: 'nps', score, touchpoint }));
const withJourney = {
  ...summary,
  journey: journeySteps(
    [
      ...many(22, 10, 'Après-vente'),
      ...many(12, 8, 'after-sale'),
      ...many(6, 2, 'apres vente'),
      ...many(35, 10, 'pre-sale'),
      ...many(30, 1, 'Contractualisation'),
      ...many(1, 9, 'Onboarding'),
    ],
    DEFAULT_TOUCHPOINTS,
  ).map(roundSummary),
};

function renderCard(fetch, locale) {
  const renderer = createRenderer('crm.record.tab');
  renderer.render(<CompanyCardView context={context(locale)} fetch={fetch} />);
  return renderer;
}

describe('the HubSpot company card', () => {
  it('shows a spinner, then asks Boucle for the company it sits on', async () => {
    const fetch = fakeFetch({ 'GET /companies/1234/summary': { body: summary } });
    const { find, maybeFind } = renderCard(fetch);
    expect(find(LoadingSpinner).props.label).toBe('Loading survey answers…');
    await settle();
    expect(fetch).toHaveBeenCalledWith(
      'https://boucle.example.com/hubspot/companies/1234/summary',
      expect.objectContaining({ timeout: 10_000 }),
    );
    expect(maybeFind(LoadingSpinner)).toBeNull();
  });

  it('shows the NPS with its margin, the split, the norm and a low-sample warning', async () => {
    const { findAll, find } = renderCard(
      fakeFetch({ 'GET /companies/1234/summary': { body: summary } }),
    );
    await settle();
    const [nps, answers, norm] = findAll(StatisticsItem);
    expect(nps.props).toMatchObject({ label: 'NPS (last 90 days)', number: '+25' });
    expect(nps.find(Text).text).toContain('±41.2 points');
    expect(answers.find(Text).text).toContain('2 promoters · 1 passives · 1 detractors');
    expect(norm.props.number).toBe('+10');
    expect(norm.find(Text).text).toContain('level with the norm');
    expect(find(Tag).text).toContain('Few answers');
  });

  it('shows verbatims as text, never as markup', async () => {
    const { findAll } = renderCard(fakeFetch({ 'GET /companies/1234/summary': { body: summary } }));
    await settle();
    const verbatim = findAll(Text).find((node) => node.text?.includes('Délai'));
    expect(verbatim.text).toContain('Délai <b>beaucoup</b> trop long');
  });

  it('lists open callbacks with where they stand against their SLA', async () => {
    const { findAll } = renderCard(fakeFetch({ 'GET /companies/1234/summary': { body: summary } }));
    await settle();
    const overdue = findAll(StatusTag).find((tag) => tag.text === 'Overdue');
    expect(overdue.props.variant).toBe('danger');
  });

  it('shows the touchpoints in journey order, each against its target', async () => {
    const { findAll } = renderCard(
      fakeFetch({ 'GET /companies/1234/summary': { body: withJourney } }),
    );
    await settle();
    const rows = findAll(TableRow)
      .map((row) =>
        row.findAll(TableCell).map((cell) => cell.maybeFind(StatusTag)?.text ?? cell.text),
      )
      .filter((cells) => cells.length === 4);
    expect(rows).toEqual([
      ['Pre-sale', '+100', '35', 'Target +40 met'],
      ['Contracting', '-100', '30', 'Target +30 missed'],
      ['After-sale', '+40', '40', 'Target +20: not enough answers to say'],
      ['Onboarding (not in the journey)', '+100', '1', '—'],
    ]);
    const variants = findAll(StatusTag)
      .filter((tag) => tag.text.startsWith('Target'))
      .map((tag) => tag.props.variant);
    expect(variants).toEqual(['success', 'danger', 'default']);
  });

  it('labels the touchpoints in French for a French user', async () => {
    const { findAll } = renderCard(
      fakeFetch({ 'GET /companies/1234/summary': { body: withJourney } }),
      'fr-FR',
    );
    await settle();
    const labels = findAll(TableRow)
      .map((row) =>
        row.findAll(TableCell).map((cell) => cell.maybeFind(StatusTag)?.text ?? cell.text),
      )
      .filter((cells) => cells.length === 4)
      .map((cells) => [cells[0], cells[3]]);
    expect(labels).toEqual([
      ['Avant-vente', 'Objectif +40 atteint'],
      ['Contractualisation', 'Objectif +30 manqué'],
      ['Après-vente', 'Objectif +20 : pas assez de réponses pour le dire'],
      ['Onboarding (hors parcours)', '—'],
    ]);
  });

  it('speaks French to a French user', async () => {
    const { findAll } = renderCard(
      fakeFetch({ 'GET /companies/1234/summary': { body: summary } }),
      'fr-FR',
    );
    await settle();
    expect(findAll(StatisticsItem)[0].props.label).toBe('NPS (90 derniers jours)');
  });

  it('says when the company has no answers', async () => {
    const { find } = renderCard(
      fakeFetch({
        'GET /companies/1234/summary': { body: { company: { id: '1234' }, empty: true } },
      }),
    );
    await settle();
    expect(find(EmptyState).props.title).toContain('No survey answer');
  });

  it('shows what Boucle answered when it refuses', async () => {
    const { find } = renderCard(
      fakeFetch({
        'GET /companies/1234/summary': {
          status: 401,
          body: {
            error: { code: 'bad_signature', message: 'The request signature does not match' },
          },
        },
      }),
    );
    await settle();
    expect(find(ErrorState).props.title).toBe('Boucle could not load the feedback');
    expect(find(ErrorState).find(Text).text).toContain('The request signature does not match');
  });
});
