// The preview page: Boucle's Lightning Web Components, compiled by LWC OSS, mounted as a
// Salesforce record page would place them, and the HubSpot company card's data beside them.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import NpsAccountCard from 'c/npsAccountCard';
import NpsCallbackQueue from 'c/npsCallbackQueue';
import NpsCallbackLogger from 'c/npsCallbackLogger';
import NpsTeamOverview from 'c/npsTeamOverview';
import { context, onRecordChange } from 'preview/context';

const WORDS = {
  en: {
    npsOver: 'NPS over',
    days: 'days',
    answers: 'answers',
    noData: 'No answers for this company in the last 90 days.',
    openCallbacks: 'open callbacks',
    error: 'The HubSpot card data could not be loaded:',
    verbatims: 'Latest verbatims',
    choose: 'Logging for',
  },
  fr: {
    npsOver: 'NPS sur',
    days: 'jours',
    answers: 'réponses',
    noData: 'Aucune réponse pour cette entreprise depuis 90 jours.',
    openCallbacks: 'rappels ouverts',
    error: 'Les données de la carte HubSpot n’ont pas pu être chargées :',
    verbatims: 'Derniers verbatims',
    choose: 'Suivi de',
  },
};
const words = WORDS[context.language] || WORDS.en;

function mount(slot, tag, constructor, props) {
  const element = createElement(tag, { is: constructor });
  Object.assign(element, props);
  document.getElementById(slot).appendChild(element);
  return element;
}

mount('account-card', 'c-nps-account-card', NpsAccountCard, { recordId: context.accountId });
mount('callback-queue', 'c-nps-callback-queue', NpsCallbackQueue, {});
mount('team-overview', 'c-nps-team-overview', NpsTeamOverview, {});
const logger = mount('callback-logger', 'c-nps-callback-logger', NpsCallbackLogger, {
  recordId: context.callbackId,
});

// A callback link in the queue or on the card opens its record page in Salesforce; here it puts
// that callback in the logger.
document.addEventListener('click', (event) => {
  const link = event
    .composedPath()
    .find((node) => node instanceof HTMLAnchorElement && /\/Callback__c\//.test(node.href));
  if (!link) return;
  event.preventDefault();
  const id = /\/Callback__c\/([^/]+)\//.exec(link.getAttribute('href'))[1];
  logger.recordId = id;
  const heading = document.getElementById('logging-for');
  heading.textContent = `${heading.dataset.page} · ${words.choose} ${link.textContent.trim()}`;
  document.getElementById('callback-logger').scrollIntoView({ behavior: 'smooth' });
});

// Toasts, as Lightning Experience shows them (text only).
document.addEventListener('lightning__showtoast', (event) => {
  const { title, message, variant } = event.detail || {};
  const region = document.getElementById('toasts');
  const toast = document.createElement('div');
  toast.className = `slds-notify slds-notify_toast slds-theme_${variant === 'error' ? 'error' : 'success'}`;
  toast.setAttribute('role', 'status');
  const text = document.createElement('div');
  text.className = 'slds-notify__content';
  const heading = document.createElement('h2');
  heading.className = 'slds-text-heading_small';
  heading.textContent = title || '';
  const body = document.createElement('p');
  body.textContent = message || '';
  text.append(heading, body);
  toast.append(text);
  region.replaceChildren(toast);
  setTimeout(() => toast.remove(), 6000);
});

// The HubSpot company card's data: what the card receives from Boucle through hubspot.fetch.
// Customer text is set with textContent only, never as HTML.
function cell(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.textContent = text;
  return element;
}

async function hubspotCard() {
  const target = document.getElementById('hubspot-card');
  try {
    const response = await fetch('/preview/api/hubspot/company');
    const card = await response.json();
    if (!response.ok) throw new Error(card.error ? card.error.message : response.statusText);
    const parts = [cell('h3', 'slds-text-heading_small', card.company.name)];
    if (card.empty) {
      parts.push(cell('p', 'slds-text-color_weak', words.noData));
    } else {
      const nps = card.overall.nps;
      parts.push(
        cell('p', 'slds-text-title', `${words.npsOver} ${card.window.days} ${words.days}`),
        cell(
          'p',
          'hubspot-nps slds-text-heading_large',
          nps === null ? '—' : `${nps > 0 ? '+' : ''}${nps.toFixed(1)}`,
        ),
        cell(
          'p',
          'slds-text-color_weak',
          `± ${card.overall.margin === null ? '—' : card.overall.margin.toFixed(1)} · ${card.overall.n} ${words.answers} · ${card.openCallbacks.length} ${words.openCallbacks}`,
        ),
      );
      if (card.verbatims.length) {
        parts.push(cell('h4', 'slds-text-title slds-m-top_small', words.verbatims));
        const list = document.createElement('ul');
        for (const verbatim of card.verbatims.slice(0, 3)) {
          const item = cell('li', 'slds-m-top_x-small', verbatim.comment);
          if (verbatim.language) item.lang = verbatim.language;
          list.append(item);
        }
        parts.push(list);
      }
    }
    target.replaceChildren(...parts);
  } catch (error) {
    target.replaceChildren(cell('p', 'slds-text-color_error', `${words.error} ${error.message}`));
  }
}

hubspotCard();
onRecordChange(() => setTimeout(hubspotCard, 1500));
