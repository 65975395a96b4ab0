import { DEFAULT_TOUCHPOINTS, orderJourney } from '@boucle/shared';
import { seededRandom } from '../random.ts';
import type { Answer, Rating } from '@boucle/shared/schemas';
import type { TaxonomyExtension } from '@boucle/shared/themes';

export interface DemoPerson {
  readonly key: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly managerKey?: string;
}

export interface DemoAccount {
  readonly name: string;
  readonly domain: string;
  readonly ownerKey: string;
  readonly contacts: { firstName: string; lastName: string; email: string; title: string }[];
}

export interface DemoData {
  readonly people: DemoPerson[];
  readonly accounts: DemoAccount[];
  readonly answers: Answer[];
  readonly ratings: Rating[];
}

const PEOPLE: DemoPerson[] = [
  {
    key: 'vp',
    firstName: 'Hélène',
    lastName: 'Garnier',
    email: 'helene.garnier@boucle-demo.example',
  },
  {
    key: 'mgr1',
    firstName: 'Marc',
    lastName: 'Lefèvre',
    email: 'marc.lefevre@boucle-demo.example',
    managerKey: 'vp',
  },
  {
    key: 'mgr2',
    firstName: 'Sarah',
    lastName: 'Collins',
    email: 'sarah.collins@boucle-demo.example',
    managerKey: 'vp',
  },
  {
    key: 'rep1',
    firstName: 'Paul',
    lastName: 'Roux',
    email: 'paul.roux@boucle-demo.example',
    managerKey: 'mgr1',
  },
  {
    key: 'rep2',
    firstName: 'Julie',
    lastName: 'Moreau',
    email: 'julie.moreau@boucle-demo.example',
    managerKey: 'mgr1',
  },
  {
    key: 'rep3',
    firstName: 'Tom',
    lastName: 'Baker',
    email: 'tom.baker@boucle-demo.example',
    managerKey: 'mgr2',
  },
  {
    key: 'rep4',
    firstName: 'Nadia',
    lastName: 'Benali',
    email: 'nadia.benali@boucle-demo.example',
    managerKey: 'mgr2',
  },
];

const COMPANIES = [
  ['Acme Industrie', 'acme-industrie.example'],
  ['Bâtiments Durand', 'durand-batiments.example'],
  ['Globex Logistics', 'globex.example'],
  ['Initech Services', 'initech.example'],
  ['Laboratoires Vernier', 'vernier-labs.example'],
  ['Northwind Foods', 'northwind.example'],
  ['Optique Lumière', 'optique-lumiere.example'],
  ['Pyramide Conseil', 'pyramide-conseil.example'],
  ['Quantum Retail', 'quantum-retail.example'],
  ['Rhône Énergie', 'rhone-energie.example'],
  ['Soylent Nutrition', 'soylent.example'],
  ['Transports Martin', 'transports-martin.example'],
  ['Umbrella Health', 'umbrella-health.example'],
  ['Vallée Agricole', 'vallee-agricole.example'],
  ['Wayne Engineering', 'wayne-eng.example'],
  ['Xylo Éditions', 'xylo-editions.example'],
  ['Yellowstone Outdoor', 'yellowstone.example'],
  ['Zénith Télécom', 'zenith-telecom.example'],
  ['Atelier Fabre', 'atelier-fabre.example'],
  ['Brightside Software', 'brightside.example'],
] as const;
const FIRST = [
  'Claire',
  'Luc',
  'Emma',
  'Hugo',
  'Léa',
  'James',
  'Olivia',
  'Noah',
  'Chloé',
  'Louis',
  'Mia',
  'Ethan',
];
const LAST = [
  'Martin',
  'Bernard',
  'Dubois',
  'Smith',
  'Petit',
  'Johnson',
  'Laurent',
  'Brown',
  'Simon',
  'Garcia',
  'Michel',
  'Wilson',
];
const TITLES = [
  'Directeur des achats',
  'Head of Operations',
  'Responsable qualité',
  'IT Manager',
  'Office Manager',
];
/** The demo surveys the configured journey: the shipped one (pre-sale, contracting, after-sale). */
export const TOUCHPOINTS = orderJourney(DEFAULT_TOUCHPOINTS).map((t) => t.key);

const VERBATIMS: Record<'detractor' | 'passive' | 'promoter', [string, string][]> = {
  detractor: [
    ['fr', 'Délai de réponse beaucoup trop long, trois relances avant d’avoir un devis.'],
    ['fr', 'Facturation incompréhensible, personne ne sait m’expliquer les frais.'],
    ['en', 'The installation was delayed twice and nobody called to explain why.'],
    ['en', 'Support closes tickets without solving them. Very frustrating.'],
    ['fr', 'Le contrat était plus cher que prévu, mauvaise surprise.'],
  ],
  passive: [
    ['fr', 'Correct, mais la procédure est lourde. C’est comme ça, je suppose.'],
    ['en', 'Fine overall, the process followed the rules but took a while.'],
    ['fr', 'Produit bien, accompagnement moyen.'],
  ],
  promoter: [
    ['fr', 'Très bon accompagnement, merci à Paul pour sa réactivité !'],
    ['en', 'Great onboarding, the team was responsive and clear.'],
    ['fr', 'Rappel le jour même après mon avis, j’ai apprécié. Problème réglé.'],
    ['en', 'Clear contract, fair price, no surprises. Would recommend.'],
  ],
};

/**
 * The sandbox's additions to the default taxonomy, as an admin's BOUCLE_TAXONOMY_FILE would make
 * them: a theme for heavy processes, which the demo's passives complain about.
 */
export const DEMO_TAXONOMY: TaxonomyExtension = {
  themes: [
    {
      id: 'process',
      label: { en: 'Process', fr: 'Démarches' },
      keywords: {
        fr: [
          'procédure',
          'procédures',
          'processus',
          'démarche',
          'démarches',
          'formalités',
          'paperasse',
        ],
        en: ['process', 'procedure', 'procedures', 'paperwork', 'bureaucracy', 'rules'],
      },
      phrases: { en: ['red tape'] },
    },
  ],
};

/**
 * The sandbox demo: 7 people (a VP, two managers, four reps), 20 accounts with 3 contacts each, and
 * about 360 answers over 12 months at three touchpoints, in French and English: detractors with
 * callbacks, employee ratings on a third of the interactions with some dissonance, and one account
 * (Acme Industrie) whose customers were unhappy last winter and recovered after their callbacks.
 * @param nowMs the instant the demo is generated for
 */
export function demoData(nowMs: number, seed = 2026): DemoData {
  const next = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const reps = PEOPLE.filter((p) => p.key.startsWith('rep'));
  const accounts: DemoAccount[] = COMPANIES.map(([name, domain], index) => ({
    name,
    domain,
    ownerKey: (reps[index % reps.length] as DemoPerson).key,
    contacts: Array.from({ length: 3 }, (_, c) => {
      const firstName = FIRST[(index * 3 + c) % FIRST.length] as string;
      const lastName = LAST[(index * 5 + c * 7) % LAST.length] as string;
      return {
        firstName,
        lastName,
        title: pick(TITLES),
        email:
          `${firstName}.${lastName}`
            .toLowerCase()
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, '') + `@${domain}`,
      };
    }),
  }));
  const answers: Answer[] = [];
  const ratings: Rating[] = [];
  const DAY = 86_400_000;
  let n = 0;
  const add = (
    account: DemoAccount,
    ageDays: number,
    score: number,
    touchpoint: string,
    withComment: boolean,
  ) => {
    const contact = pick(account.contacts);
    const category = score <= 6 ? 'detractor' : score <= 8 ? 'passive' : 'promoter';
    const [language, comment] = pick(VERBATIMS[category]);
    const id = `demo-${String(++n).padStart(4, '0')}`;
    const answeredAt = new Date(
      nowMs - ageDays * DAY - Math.floor(next() * 8) * 3_600_000,
    ).toISOString();
    const rep = PEOPLE.find((p) => p.key === account.ownerKey) as DemoPerson;
    const interactionId = `case-${4000 + n}`;
    answers.push({
      id,
      source: 'demo',
      metric: 'nps',
      score,
      ...(withComment && { comment, language }),
      // French surveys send the French label ("Après-vente"): the journey groups them with the key.
      touchpoint:
        language === 'fr'
          ? (DEFAULT_TOUCHPOINTS.find((t) => t.key === touchpoint)?.labelFr ?? touchpoint)
          : touchpoint,
      answeredAt,
      respondent: { email: contact.email, name: `${contact.firstName} ${contact.lastName}` },
      account: { domain: account.domain },
      interactionId,
      employeeEmail: rep.email,
    });
    if (next() < 0.33) {
      // Employees mostly rate their answer well; the customers do not always agree.
      const rating =
        score <= 4 && next() < 0.7
          ? 4 + Math.floor(next() * 2)
          : score >= 9 && next() < 0.3
            ? 2
            : 3 + Math.floor(next() * 3);
      ratings.push({
        id: `rating-${n}`,
        source: 'demo',
        interactionId,
        employeeEmail: rep.email,
        rating: Math.min(5, rating),
        ratedAt: new Date(Date.parse(answeredAt) + 3_600_000).toISOString(),
      });
    }
  };
  for (const account of accounts) {
    const tilt = (COMPANIES.findIndex(([name]) => name === account.name) % 5) - 2; // some accounts happier than others
    for (let i = 0; i < 16; i++) {
      const base = 7 + tilt * 0.8 + (next() - 0.5) * 6;
      const score = Math.max(0, Math.min(10, Math.round(base)));
      add(account, Math.floor(next() * 360), score, pick(TOUCHPOINTS), next() < 0.6);
    }
  }
  const acme = accounts[0] as DemoAccount;
  for (let i = 0; i < 12; i++)
    add(acme, 200 + Math.floor(next() * 60), Math.floor(next() * 6), 'after-sale', true);
  for (let i = 0; i < 14; i++)
    add(
      acme,
      10 + Math.floor(next() * 100),
      8 + Math.floor(next() * 3),
      pick(TOUCHPOINTS),
      next() < 0.5,
    );
  // The last two weeks: fresh answers that raise callbacks now.
  for (let i = 0; i < 30; i++) {
    const account = pick(accounts.slice(1));
    const score =
      next() < 0.45
        ? Math.floor(next() * 7)
        : next() < 0.5
          ? 7 + Math.floor(next() * 2)
          : 9 + Math.floor(next() * 2);
    add(account, Math.floor(next() * 12), score, pick(TOUCHPOINTS), true);
  }
  return { people: PEOPLE, accounts, answers, ratings };
}

/** The managers of the demo: those with reps, under the VP. */
const MANAGERS = PEOPLE.filter((m) => m.managerKey && PEOPLE.some((p) => p.managerKey === m.key));

/** The sandbox's HubSpot team of a manager: the team its reps belong to. */
const teamOf = (manager: DemoPerson) => ({
  id: String(800 + PEOPLE.indexOf(manager)),
  name: `${manager.firstName} ${manager.lastName}'s team`,
});

/**
 * The HubSpot teams of a demo person, as the owners API lists them: a manager's team holds the
 * manager and their reps (HubSpot has no hierarchy: teams stand for it); the VP is in none.
 */
export function demoTeamsOf(person: DemoPerson): { id: string; name: string; primary: boolean }[] {
  const manager = MANAGERS.find((m) => m.key === person.key || m.key === person.managerKey);
  return manager ? [{ ...teamOf(manager), primary: true }] : [];
}

/**
 * The sandbox settings page's escalation owners: each team's manager, and the VP by default (who
 * also takes the review of a manager's own answer), given each person's HubSpot owner id.
 */
export function demoEscalationOwners(ownerIdOf: (key: string) => string): {
  defaultOwnerId: string;
  teams: { teamId: string; ownerId: string }[];
} {
  return {
    defaultOwnerId: ownerIdOf('vp'),
    teams: MANAGERS.map((m) => ({ teamId: teamOf(m).id, ownerId: ownerIdOf(m.key) })),
  };
}
