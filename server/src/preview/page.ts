/**
 * The preview page's HTML. Everything is served by Boucle itself (SLDS, the compiled components):
 * no CDN. The page's context goes in as JSON in a non-executed script element, with `<` escaped.
 */

export interface PreviewContext {
  readonly language: 'en' | 'fr';
  readonly accountKey: string;
  readonly accountId?: string;
  readonly accountName?: string;
  readonly callbackId?: string;
  readonly callbackName?: string;
  readonly userId?: string;
  readonly userName?: string;
}

const WORDS = {
  en: {
    title: 'Boucle preview',
    building:
      'Compiling the Lightning components for the preview (once: about 20 seconds on two free cores, minutes on a busy machine)…',
    failed: 'The preview could not be built:',
    intro:
      'Boucle’s own Lightning Web Components, compiled with LWC OSS and running against the local Salesforce emulator, and the data the HubSpot company card receives for the same account.',
    accountPage: 'Salesforce · Account page',
    homePage: 'Salesforce · Home page of',
    callbackPage: 'Salesforce · Callback record page',
    hubspot: 'HubSpot · Company card data',
    noUser: 'the demo manager',
    logging: 'Logging for',
    emulated: 'What is emulated here',
    notes: [
      'Salesforce is the local emulator: the components’ GraphQL queries and record reads and writes go to its GraphQL API and UI API through Boucle’s bridge, so what you log lands in its records (see /__emulator/state on the emulator’s port) and the sync reads it back.',
      'Lightning Data Service, toasts and quick actions are small stand-ins; the components, their templates, labels (English and French) and the domain code (c/npsCore) are the ones deployed to an org.',
      'The HubSpot card renders inside HubSpot only; the panel shows the data it receives from Boucle, fetched with HubSpot’s request signature.',
      'Everything is demo data, generated at the first start.',
    ],
    switchTo: 'Version française',
  },
  fr: {
    title: 'Aperçu de Boucle',
    building:
      'Compilation des composants Lightning pour l’aperçu (une fois : environ 20 secondes sur deux cœurs libres, plusieurs minutes sur une machine chargée)…',
    failed: 'L’aperçu n’a pas pu être construit :',
    intro:
      'Les composants Lightning Web Components de Boucle, compilés avec LWC OSS et branchés sur l’émulateur Salesforce local, et les données que reçoit la carte entreprise HubSpot pour le même compte.',
    accountPage: 'Salesforce · Page du compte',
    homePage: 'Salesforce · Accueil de',
    callbackPage: 'Salesforce · Page du rappel',
    hubspot: 'HubSpot · Données de la carte entreprise',
    noUser: 'la manager de démonstration',
    logging: 'Suivi de',
    emulated: 'Ce qui est émulé ici',
    notes: [
      'Salesforce est l’émulateur local : les requêtes GraphQL et les lectures et écritures d’enregistrements des composants passent par la passerelle de Boucle vers son API GraphQL et son UI API ; ce que vous consignez arrive dans ses enregistrements (voir /__emulator/state sur le port de l’émulateur) et la synchronisation le relit.',
      'Lightning Data Service, les toasts et les actions rapides sont de petites doublures ; les composants, leurs modèles, leurs libellés (anglais et français) et le code métier (c/npsCore) sont ceux déployés dans une org.',
      'La carte HubSpot ne s’affiche que dans HubSpot ; le panneau montre les données qu’elle reçoit de Boucle, demandées avec la signature de HubSpot.',
      'Toutes les données sont des données de démonstration, générées au premier démarrage.',
    ],
    switchTo: 'English version',
  },
} as const;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function previewPage(options: {
  language: 'en' | 'fr';
  context?: PreviewContext;
  building?: boolean;
  failed?: string;
}): string {
  const w = WORDS[options.language];
  const head = `<!doctype html>
<html lang="${options.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.building ? '<meta http-equiv="refresh" content="3">' : ''}
<title>${w.title}</title>
<link rel="icon" type="image/svg+xml" href="/preview/favicon.svg">
<link rel="stylesheet" href="/preview/slds/styles/salesforce-lightning-design-system.min.css">
<style>
  body { background: #f3f3f3; }
  .region { margin-bottom: 1rem; }
  .region-label { text-transform: uppercase; letter-spacing: .05em; color: #5c5c5c; font-size: .75rem; margin: 0 0 .25rem; }
  .panel { background: #fff; border: 1px solid #e5e5e5; border-radius: .25rem; padding: 1rem; }
  #toasts { position: fixed; top: 1rem; left: 50%; transform: translateX(-50%); z-index: 100; }
</style>
</head>`;
  const header = `<header class="slds-page-header slds-m-bottom_medium">
  <div class="slds-page-header__row"><div class="slds-page-header__col-title">
    <h1 class="slds-page-header__title">${w.title}</h1>
    <p class="slds-text-body_small">${w.intro}</p>
  </div>
  <div class="slds-page-header__col-actions">
    <a class="slds-button slds-button_neutral" href="/?lang=${options.language === 'fr' ? 'en' : 'fr'}" lang="${options.language === 'fr' ? 'en' : 'fr'}">${w.switchTo}</a>
  </div></div>
</header>`;
  if (options.building || options.failed) {
    return `${head}
<body class="slds-p-around_medium">
${header}
<main><p role="status" class="panel">${options.building ? w.building : `${w.failed} ${escapeHtml(options.failed ?? '')}`}</p></main>
</body></html>`;
  }
  const context = options.context as PreviewContext;
  const json = JSON.stringify(context).replace(/</g, '\\u003c');
  return `${head}
<body class="slds-p-around_medium">
${header}
<main class="slds-grid slds-wrap slds-gutters">
  <div class="slds-col slds-size_1-of-1 slds-large-size_5-of-12">
    <section class="region" aria-labelledby="account-label">
      <h2 id="account-label" class="region-label">${w.accountPage}: ${escapeHtml(context.accountName ?? context.accountKey)}</h2>
      <div id="account-card"></div>
    </section>
    <section class="region" aria-labelledby="hubspot-label">
      <h2 id="hubspot-label" class="region-label">${w.hubspot}</h2>
      <div id="hubspot-card" class="panel" aria-live="polite"></div>
    </section>
  </div>
  <div class="slds-col slds-size_1-of-1 slds-large-size_7-of-12">
    <section class="region" aria-labelledby="queue-label">
      <h2 id="queue-label" class="region-label">${w.homePage} ${escapeHtml(context.userName ?? w.noUser)}</h2>
      <div id="callback-queue"></div>
      <div id="team-overview" class="slds-m-top_small"></div>
    </section>
    <section class="region" aria-labelledby="logging-for">
      <h2 id="logging-for" class="region-label" data-page="${w.callbackPage}">${w.callbackPage}${context.callbackName ? ` · ${w.logging} ${escapeHtml(context.callbackName)}` : ''}</h2>
      <div id="callback-logger"></div>
    </section>
    <section class="region panel" aria-labelledby="notes-label">
      <h2 id="notes-label" class="slds-text-heading_small slds-m-bottom_x-small">${w.emulated}</h2>
      <ul class="slds-list_dotted">${w.notes.map((n) => `<li>${n}</li>`).join('')}</ul>
    </section>
  </div>
</main>
<div id="toasts" aria-live="polite"></div>
<script type="application/json" id="boucle-preview">${json}</script>
<script type="module" src="/preview/app.js"></script>
</body></html>`;
}
