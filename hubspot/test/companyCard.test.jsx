import { describe, expect, it } from 'vitest';
import {
  BarChart,
  EmptyState,
  ErrorState,
  LineChart,
  LoadingSpinner,
  Statistics,
  StatisticsItem,
  StatusTag,
  Table,
  TableCell,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { DEFAULT_TOUCHPOINTS, journeySteps, roundSummary } from '../src/app/cards/boucle-core.js';
import { CompanyCardView } from '../src/app/cards/CompanyCardView.jsx';
import { fakeFetch, fromServer, likeServer, serverRoutes, settle } from './fakeBoucle.js';

// What GET /hubspot/companies/:id/summary answered in server/test/hubspot/backend.test.ts: Acme,
// one detractor ("Trop lent", about delays) and one promoter, their callbacks open and on time.
const recorded = fromServer('company-summary');
const summary = recorded.body;
const context = (locale = 'en', objectId = Number(summary.company.id)) => ({
  crm: { objectId, objectTypeId: '0-2' },
  user: { locale },
});
const answering = (body) => fakeFetch({ [recorded.request]: { body } });
// The server's verbatim with markup in its comment and a theme of an admin's taxonomy without a label.
const [verbatim] = summary.verbatims;
const withMarkup = likeServer(summary, {
  verbatims: [
    {
      ...verbatim,
      comment: 'Délai <b>beaucoup</b> trop long',
      themes: [...verbatim.themes, { theme: 'esg', sentiment: 'negative' }],
    },
  ],
});
const overdue = likeServer(summary, {
  openCallbacks: [{ ...summary.openCallbacks[0], slaStatus: 'overdue', hoursLeft: -26 }],
});

// The journey part of the summary, computed as the server computes it (shared/, shipped journey):
// pre-sale met, contracting missed, after-sale above its target but within the margin, and a
// touchpoint outside the journey.
const many = (count, score, touchpoint) =>
  Array.from({ length: count }, () => ({ metric: 'nps', score, touchpoint }));
const withJourney = likeServer(summary, {
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
});

function renderCard(fetch, locale, objectId) {
  const renderer = createRenderer('crm.record.tab');
  renderer.render(<CompanyCardView context={context(locale, objectId)} fetch={fetch} />);
  return renderer;
}

describe('the HubSpot company card', () => {
  it('shows a spinner, then asks Boucle for the company it sits on', async () => {
    const fetch = answering(summary);
    const { find, maybeFind } = renderCard(fetch);
    expect(find(LoadingSpinner).props.label).toBe('Loading survey answers…');
    await settle();
    expect(fetch).toHaveBeenCalledWith(
      `https://boucle.example.com/hubspot/companies/${summary.company.id}/summary`,
      expect.objectContaining({ timeout: 10_000 }),
    );
    expect(maybeFind(LoadingSpinner)).toBeNull();
  });

  it('shows the NPS with its margin, the split, the norm and a low-sample warning', async () => {
    const { findAll, find } = renderCard(answering(summary));
    await settle();
    const [nps, answers, norm] = findAll(StatisticsItem);
    expect(nps.props).toMatchObject({ label: 'NPS (last 90 days)', number: '0' });
    expect(nps.find(Text).text).toContain('±138.6 points');
    expect(answers.find(Text).text).toContain('1 promoters · 0 passives · 1 detractors');
    expect(norm.props.number).toBe('0');
    expect(norm.find(Text).text).toContain('level with the norm');
    expect(find(Tag).text).toContain('Few answers');
  });

  it('shows CSAT and CES beside the NPS, as the server computed them', async () => {
    const { findByTestId } = renderCard(answering(summary));
    await settle();
    // The server's figures for Acme: 1 satisfied CSAT answer of 2, one CES answer of 3.
    expect(summary.overall).toMatchObject({ csat: { n: 2, csat: 50 }, ces: { n: 1, ces: 3 } });
    const [csat, ces] = findByTestId(Statistics, 'csat-ces').findAll(StatisticsItem);
    expect(csat.props).toMatchObject({ label: 'CSAT (last 90 days)', number: '50.0%' });
    expect(csat.find(Text).text).toBe('satisfied (4–5 of 5), 2 answers');
    expect(ces.props).toMatchObject({ label: 'CES (last 90 days)', number: '3.0' });
    expect(ces.find(Text).text).toBe('mean effort from 1 to 7 (lower is better), 1 answers');
  });

  it('writes CSAT and CES the French way for a French user', async () => {
    const precise = likeServer(summary, {
      overall: { ...summary.overall, csat: { n: 3, csat: 66.7 }, ces: { n: 4, ces: 2.5 } },
    });
    const { findByTestId } = renderCard(answering(precise), 'fr-FR');
    await settle();
    const [csat, ces] = findByTestId(Statistics, 'csat-ces').findAll(StatisticsItem);
    expect(csat.props).toMatchObject({ label: 'CSAT (90 derniers jours)', number: '66,7\u00a0%' });
    expect(csat.find(Text).text).toBe('satisfaits (4–5 sur 5), 3 réponses');
    expect(ces.props).toMatchObject({ number: '2,5' });
    expect(ces.find(Text).text).toBe('effort moyen de 1 à 7 (plus bas est meilleur), 4 réponses');
  });

  it('leaves CSAT and CES out while the window has none of those answers', async () => {
    const npsOnly = likeServer(summary, {
      overall: { ...summary.overall, csat: { n: 0, csat: null }, ces: { n: 0, ces: null } },
    });
    const { maybeFind, findAll } = renderCard(answering(npsOnly));
    await settle();
    expect(findAll(StatisticsItem).map((item) => item.props.label)).not.toContain(
      'CSAT (last 90 days)',
    );
    expect(maybeFind(Statistics, { testId: 'csat-ces' })).toBeNull();
  });

  it('shows verbatims as text, never as markup', async () => {
    const { findAll } = renderCard(answering(withMarkup));
    await settle();
    const verbatim = findAll(Text).find((node) => node.text?.includes('Délai'));
    expect(verbatim.text).toContain('Délai <b>beaucoup</b> trop long');
  });

  it("tags each verbatim with its sentiment and themes, and lists the account's irritants", async () => {
    const { findAll } = renderCard(answering(withMarkup));
    await settle();
    const tags = findAll(Tag).map((tag) => [tag.text, tag.props.variant]);
    expect(tags).toEqual(
      expect.arrayContaining([
        ['Negative', 'error'],
        ['Delays and responsiveness', undefined],
        ['esg', undefined],
      ]),
    );
    expect(
      findAll(Text).some(
        (node) =>
          node.text ===
          'Delays and responsiveness: 100.0% of unhappy answers (too few for a margin), 1 answers',
      ),
    ).toBe(true);
  });

  it('names themes and sentiment in French for a French user', async () => {
    const { findAll } = renderCard(answering(summary), 'fr-FR');
    await settle();
    const tags = findAll(Tag).map((tag) => tag.text);
    expect(tags).toEqual(expect.arrayContaining(['Négatif', 'Délais et réactivité']));
  });

  it('lists open callbacks with where they stand against their SLA', async () => {
    const { findAll } = renderCard(answering(summary));
    await settle();
    const onTime = findAll(StatusTag).filter((tag) => tag.text === 'On time');
    expect(onTime).toHaveLength(summary.openCallbacks.length);
    expect(onTime[0].props.variant).toBe('success');
  });

  it('marks an overdue callback as such', async () => {
    const { findAll } = renderCard(answering(overdue));
    await settle();
    const late = findAll(StatusTag).find((tag) => tag.text === 'Overdue');
    expect(late.props.variant).toBe('danger');
  });

  it('shows the touchpoints in journey order, each against its target', async () => {
    const { findAll, findByTestId } = renderCard(answering(withJourney));
    await settle();
    const rows = findByTestId(Table, 'touchpoints')
      .findAll(TableRow)
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
    const { findByTestId } = renderCard(answering(withJourney), 'fr-FR');
    await settle();
    const labels = findByTestId(Table, 'touchpoints')
      .findAll(TableRow)
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
    const { findAll } = renderCard(answering(summary), 'fr-FR');
    await settle();
    expect(findAll(StatisticsItem)[0].props.label).toBe('NPS (90 derniers jours)');
  });

  it('draws the monthly trend as a line with the edges of its margin band, the figures in an accordion', async () => {
    const { findByTestId } = renderCard(answering(summary));
    await settle();
    const chart = findByTestId(LineChart, 'trend-chart');
    // Only November has answers: 1 promoter and 1 detractor, NPS 0 ± 138.6 (kept within ±100).
    expect(chart.props.data).toEqual([
      { month: 'Nov 2026', nps: 0, series: 'NPS' },
      { month: 'Nov 2026', nps: 100, series: 'NPS + margin' },
      { month: 'Nov 2026', nps: -100, series: 'NPS − margin' },
    ]);
    expect(chart.props.axes.options.groupFieldByColor).toBe('series');
    expect(chart.props.options.title).toBe('Monthly NPS, with its 95% margin of error');
    const table = findByTestId(Table, 'trend');
    expect(table.findAll(TableRow)).toHaveLength(13); // the header and twelve months
  });

  it('draws no band around a one-sided month and says its sample is too small, not "± 0.0"', async () => {
    const sided = likeServer(summary, {
      overall: { ...summary.overall, promoters: 2, detractors: 0, nps: 100, margin: 0 },
      trend: summary.trend.map((month) =>
        month.n ? { ...month, promoters: 2, detractors: 0, nps: 100, margin: 0 } : month,
      ),
    });
    const { findAll, findByTestId } = renderCard(answering(sided));
    await settle();
    expect(findByTestId(LineChart, 'trend-chart').props.data).toEqual([
      { month: 'Nov 2026', nps: 100, series: 'NPS' },
    ]);
    expect(findAll(StatisticsItem)[0].find(Text).text).toBe(
      'too few answers for a margin of error',
    );
    const november = findByTestId(Table, 'trend').findAll(TableRow).at(-1);
    expect(november.findAll(TableCell).map((cell) => cell.text)).toEqual([
      'Nov 2026',
      '+100',
      'too few answers for a margin of error',
      '2',
    ]);
  });

  it('draws the touchpoints as bars coloured by their target status, named in the legend', async () => {
    const { findByTestId } = renderCard(answering(withJourney));
    await settle();
    const chart = findByTestId(BarChart, 'touchpoints-chart');
    expect(chart.props.data).toEqual([
      { touchpoint: 'Pre-sale', nps: 100, status: 'Target met' },
      { touchpoint: 'Contracting', nps: -100, status: 'Target missed' },
      { touchpoint: 'After-sale', nps: 40, status: 'Not enough answers to say' },
      { touchpoint: 'Onboarding (not in the journey)', nps: 100, status: 'Not in the journey' },
    ]);
    expect(chart.props.axes.options.colors['Target met']).toBe('green');
  });

  it('writes figures, dates, months and callback kinds the French way for a French user', async () => {
    const precise = likeServer(withJourney, {
      overall: { ...summary.overall, nps: 52.9, margin: 12.4 },
    });
    const { findAll, findByTestId } = renderCard(answering(precise), 'fr-FR');
    await settle();
    const [nps] = findAll(StatisticsItem);
    expect(nps.props.number).toBe('+52,9');
    expect(nps.find(Text).text).toBe('±12,4 points');
    expect(findByTestId(Table, 'trend').findAll(TableRow).at(-1).find(TableCell).text).toBe(
      'nov. 2026',
    );
    const verbatim = findAll(Text).find((node) => node.text?.includes('Trop lent'));
    expect(verbatim.text).toContain('22 nov. 2026');
    const callbacks = findByTestId(Table, 'callbacks')
      .findAll(TableRow)
      .slice(1)
      .map((row) => row.findAll(TableCell).map((cell) => cell.text));
    expect(callbacks[0]).toEqual(['Reconquête détracteur', 'Ouvert', '23 nov. 2026', null]);
    expect(callbacks.map((cells) => cells[0])).toContain('Remerciement promoteur');
  });

  it('says when the company has no answers', async () => {
    const empty = fromServer('company-empty');
    const { find } = renderCard(
      fakeFetch(serverRoutes(empty)),
      'en',
      Number(empty.body.company.id),
    );
    await settle();
    expect(find(EmptyState).props.title).toContain('No survey answer');
  });

  it('shows what Boucle answered when it refuses', async () => {
    const notFound = fromServer('company-not-found');
    const { find } = renderCard(fakeFetch(serverRoutes(notFound)), 'en', 999999);
    await settle();
    expect(find(ErrorState).props.title).toBe('Boucle could not load the feedback');
    expect(find(ErrorState).find(Text).text).toBe(notFound.body.error.message);
  });
});
