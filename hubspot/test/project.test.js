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
      ['boucle_settings', 'SETTINGS'],
    ]);
    for (const card of nodes.filter((n) => n.componentType !== 'APPLICATION')) {
      expect(card.componentDeps.app).toBe('boucle_app');
      expect(() => readFileSync(`${project}/src${card.config.entrypoint}`)).not.toThrow();
    }
  });

  it('may fetch only from the Boucle server the cards call', () => {
    const app = json('src/app/app-hsmeta.json');
    expect(app.config.permittedUrls.fetch).toEqual([new URL(BOUCLE_URL).origin]);
  });

  it('builds the cards and the settings page with the versions they are tested with', () => {
    const workspace = json('package.json');
    for (const folder of ['cards', 'settings']) {
      expect(json(`src/app/${folder}/package.json`).dependencies).toEqual(workspace.dependencies);
    }
    expect(workspace.dependencies.react).toBe('18.3.1');
  });

  it('points the settings page at the same server as the cards', async () => {
    const settings = await import('../src/app/settings/boucle.js');
    expect(settings.BOUCLE_URL).toBe(BOUCLE_URL);
  });

  it("gives the settings page the cards' way to Boucle, copied by build:targets", () => {
    const source = readFileSync(`${project}/src/app/cards/boucle.js`, 'utf8');
    const copy = readFileSync(`${project}/src/app/settings/boucle.js`, 'utf8');
    expect(copy.split('\n')[0]).toMatch(
      /^\/\* Generated from hubspot\/src\/app\/cards\/boucle\.js .*do not edit/,
    );
    expect(copy.slice(copy.indexOf('\n') + 1)).toBe(source);
  });

  it('has every card word in English and French', () => {
    expect(LANGUAGES).toEqual(['en', 'fr']);
    for (const language of LANGUAGES) {
      expect(Object.keys(messagesFor(language)).sort()).toEqual([...KEYS].sort());
    }
  });
});
