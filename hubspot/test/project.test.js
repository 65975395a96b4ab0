import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { translate } from '@hubspot/project-parsing-lib/translate';
import { KEYS, LANGUAGES, messagesFor } from '../src/app/cards/i18n.js';
import { BOUCLE_URL } from '../src/app/cards/boucle.js';

const project = fileURLToPath(new URL('..', import.meta.url));
const json = (path) => JSON.parse(readFileSync(`${project}/${path}`, 'utf8'));

describe('the HubSpot project', () => {
  it('parses the way `hs project upload` reads it: one app, its cards, their entry points', async () => {
    const { platformVersion, srcDir } = json('hsproject.json');
    // Offline: HubSpot's own parser, without the schema check that needs an account.
    const result = await translate(
      { projectSourceDir: `${project}/${srcDir}`, platformVersion },
      { skipValidation: true },
    );
    const nodes = Object.values(result.intermediateRepresentation.intermediateNodesIndexedByUid);
    expect(nodes.map((n) => [n.uid, n.componentType]).sort()).toEqual([
      ['boucle_app', 'APPLICATION'],
      ['boucle_company_card', 'CARD'],
      ['boucle_contact_card', 'CARD'],
      ['boucle_rating_card', 'CARD'],
    ]);
    for (const card of nodes.filter((n) => n.componentType === 'CARD')) {
      expect(card.componentDeps.app).toBe('boucle_app');
      expect(() => readFileSync(`${project}/src${card.config.entrypoint}`)).not.toThrow();
    }
  });

  it('may fetch only from the Boucle server the cards call', () => {
    const app = json('src/app/app-hsmeta.json');
    expect(app.config.permittedUrls.fetch).toEqual([new URL(BOUCLE_URL).origin]);
  });

  it('builds the cards with the React and ui-extensions versions it is tested with', () => {
    const cards = json('src/app/cards/package.json');
    const workspace = json('package.json');
    expect(cards.dependencies).toEqual(workspace.dependencies);
    expect(cards.dependencies.react).toBe('18.3.1');
  });

  it('has every card word in English and French', () => {
    expect(LANGUAGES).toEqual(['en', 'fr']);
    for (const language of LANGUAGES) {
      expect(Object.keys(messagesFor(language)).sort()).toEqual([...KEYS].sort());
    }
  });
});
