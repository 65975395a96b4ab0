import { LightningElement, api, wire } from 'lwc';
import { getFieldValue, getRecord, updateRecord } from 'lightning/uiRecordApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { CloseActionScreenEvent } from 'lightning/actions';
import { CALLBACK_TRANSITIONS, FINAL_CALLBACK_STATUSES, nextCallbackState } from 'c/npsCore';
import { errorMessage, format } from 'c/boucleUi';
import ID_FIELD from '@salesforce/schema/Callback__c.Id';
import STATUS_FIELD from '@salesforce/schema/Callback__c.Status__c';
import CREATED_FIELD from '@salesforce/schema/Callback__c.CreatedDate';
import REACHED_FIELD from '@salesforce/schema/Callback__c.Reached_At__c';
import OUTCOME_FIELD from '@salesforce/schema/Callback__c.Outcome__c';
import ROOT_CAUSE_FIELD from '@salesforce/schema/Callback__c.Root_Cause__c';
import NOTES_FIELD from '@salesforce/schema/Callback__c.Notes__c';
import FOLLOW_UP_FIELD from '@salesforce/schema/Callback__c.Follow_Up_Action__c';
import BOUCLE_LOGGER_TITLE from '@salesforce/label/c.Boucle_Logger_Title';
import BOUCLE_LOGGER_WHAT_HAPPENED from '@salesforce/label/c.Boucle_Logger_What_Happened';
import BOUCLE_LOGGER_OUTCOME from '@salesforce/label/c.Boucle_Logger_Outcome';
import BOUCLE_LOGGER_ROOT_CAUSE from '@salesforce/label/c.Boucle_Logger_Root_Cause';
import BOUCLE_LOGGER_NOTES from '@salesforce/label/c.Boucle_Logger_Notes';
import BOUCLE_LOGGER_FOLLOW_UP from '@salesforce/label/c.Boucle_Logger_Follow_Up';
import BOUCLE_LOGGER_SAVE from '@salesforce/label/c.Boucle_Logger_Save';
import BOUCLE_LOGGER_SAVED from '@salesforce/label/c.Boucle_Logger_Saved';
import BOUCLE_LOGGER_REFUSED from '@salesforce/label/c.Boucle_Logger_Refused';
import BOUCLE_LOGGER_CLOSED from '@salesforce/label/c.Boucle_Logger_Closed';
import BOUCLE_STATUS_ATTEMPTED from '@salesforce/label/c.Boucle_Status_Attempted';
import BOUCLE_STATUS_REACHED from '@salesforce/label/c.Boucle_Status_Reached';
import BOUCLE_STATUS_RESOLVED from '@salesforce/label/c.Boucle_Status_Resolved';
import BOUCLE_STATUS_ESCALATED from '@salesforce/label/c.Boucle_Status_Escalated';
import BOUCLE_STATUS_CLOSED_NO_CONTACT from '@salesforce/label/c.Boucle_Status_Closed_No_Contact';
import BOUCLE_ERROR from '@salesforce/label/c.Boucle_Error';
import BOUCLE_LOGGER_SAVED_WHAT from '@salesforce/label/c.Boucle_Logger_Saved_What';
import BOUCLE_REFUSED_CLOSED from '@salesforce/label/c.Boucle_Refused_Closed';
import BOUCLE_REFUSED_NOT_ALLOWED from '@salesforce/label/c.Boucle_Refused_Not_Allowed';
import BOUCLE_REFUSED_BEFORE_CREATION from '@salesforce/label/c.Boucle_Refused_Before_Creation';
import BOUCLE_REFUSED_NOT_REACHED from '@salesforce/label/c.Boucle_Refused_Not_Reached';
import BOUCLE_REFUSED_OUTCOME from '@salesforce/label/c.Boucle_Refused_Outcome';
import BOUCLE_REFUSED_NO_ATTEMPT from '@salesforce/label/c.Boucle_Refused_No_Attempt';

const LABELS = {
  title: BOUCLE_LOGGER_TITLE,
  whatHappened: BOUCLE_LOGGER_WHAT_HAPPENED,
  outcome: BOUCLE_LOGGER_OUTCOME,
  rootCause: BOUCLE_LOGGER_ROOT_CAUSE,
  notes: BOUCLE_LOGGER_NOTES,
  followUp: BOUCLE_LOGGER_FOLLOW_UP,
  save: BOUCLE_LOGGER_SAVE,
  saved: BOUCLE_LOGGER_SAVED,
  refused: BOUCLE_LOGGER_REFUSED,
  closed: BOUCLE_LOGGER_CLOSED,
  error: BOUCLE_ERROR,
};
const STATUS_LABELS = {
  attempted: BOUCLE_STATUS_ATTEMPTED,
  reached: BOUCLE_STATUS_REACHED,
  resolved: BOUCLE_STATUS_RESOLVED,
  escalated: BOUCLE_STATUS_ESCALATED,
  closed_no_contact: BOUCLE_STATUS_CLOSED_NO_CONTACT,
};
/** The state machine's refusals (c/npsCore codes), worded in the user's language. */
const REFUSALS = {
  closed: BOUCLE_REFUSED_CLOSED,
  not_allowed: BOUCLE_REFUSED_NOT_ALLOWED,
  before_creation: BOUCLE_REFUSED_BEFORE_CREATION,
  not_reached: BOUCLE_REFUSED_NOT_REACHED,
  outcome_required: BOUCLE_REFUSED_OUTCOME,
  no_attempt: BOUCLE_REFUSED_NO_ATTEMPT,
};
// Status__c picklist values (the CRM data model) ↔ the shared state machine's states.
const FROM_PICKLIST = {
  Open: 'open',
  Attempted: 'attempted',
  Reached: 'reached',
  Resolved: 'resolved',
  Escalated: 'escalated',
  'Closed no contact': 'closed_no_contact',
};
const TO_PICKLIST = Object.fromEntries(Object.entries(FROM_PICKLIST).map(([k, v]) => [v, k]));
const FIELDS = [
  STATUS_FIELD,
  CREATED_FIELD,
  REACHED_FIELD,
  OUTCOME_FIELD,
  ROOT_CAUSE_FIELD,
  NOTES_FIELD,
  FOLLOW_UP_FIELD,
];

const trimmed = (text) => (text && text.trim() ? text.trim() : undefined);

/**
 * The manager logs what came of a callback on its record page: reached or not, outcome, root
 * cause, notes, follow-up action. Only the moves the shared state machine allows are offered, and
 * its conditions (an outcome to resolve, an attempt before closing without contact) are checked
 * by the same c/npsCore code as the server's before anything is written.
 */
export default class NpsCallbackLogger extends LightningElement {
  @api recordId;

  labels = LABELS;
  record;
  loadError;
  status;
  outcome = '';
  rootCause = '';
  notes = '';
  followUp = '';
  saving = false;
  /** What the last save wrote, said once it is done (the form is then blank again). */
  savedText;
  refusal;
  /** The record whose stored texts prefilled the form: a refresh after a save does not refill it. */
  prefilledFor;

  @wire(getRecord, { recordId: '$recordId', fields: FIELDS })
  wiredCallback({ data, error }) {
    this.record = data;
    this.loadError = error ? errorMessage(error) || LABELS.error : undefined;
    if (data && this.prefilledFor !== this.recordId) {
      this.prefilledFor = this.recordId;
      this.outcome = this.field(OUTCOME_FIELD) ?? '';
      this.rootCause = this.field(ROOT_CAUSE_FIELD) ?? '';
      this.notes = this.field(NOTES_FIELD) ?? '';
      this.followUp = this.field(FOLLOW_UP_FIELD) ?? '';
    }
  }

  /** A field of the callback, by its @salesforce/schema import (namespace-proof). */
  field(schemaField) {
    const value = this.record ? getFieldValue(this.record, schemaField) : undefined;
    return value === null || value === undefined ? undefined : value;
  }

  get current() {
    return FROM_PICKLIST[this.field(STATUS_FIELD)] ?? 'open';
  }

  get loading() {
    return !this.record && !this.loadError;
  }

  get isFinal() {
    return Boolean(this.record) && FINAL_CALLBACK_STATUSES.includes(this.current);
  }

  get showForm() {
    return Boolean(this.record) && !this.isFinal;
  }

  get statusOptions() {
    return CALLBACK_TRANSITIONS[this.current].map((value) => ({
      label: STATUS_LABELS[value],
      value,
    }));
  }

  get saveDisabled() {
    return !this.status || this.saving;
  }

  /** What the shared state machine reads of the callback, from what Salesforce stores. */
  toCallback() {
    const reachedAt = this.field(REACHED_FIELD);
    const current = this.current;
    return {
      id: this.recordId,
      status: current,
      createdAt: this.field(CREATED_FIELD),
      // A first contact is known once the callback was attempted or reached.
      firstContactAt:
        reachedAt ??
        (current === 'attempted' || current === 'reached' ? this.field(CREATED_FIELD) : undefined),
      reachedAt,
      outcome: this.field(OUTCOME_FIELD),
    };
  }

  handleStatus(event) {
    this.status = event.detail.value;
    this.refusal = undefined;
    this.savedText = undefined;
  }

  handleInput(event) {
    this[event.target.dataset.field] = event.detail.value ?? event.target.value;
    this.savedText = undefined;
  }

  async handleSave() {
    if (this.saveDisabled) return;
    const now = new Date().toISOString();
    const event = {
      status: this.status,
      outcome: trimmed(this.outcome),
      rootCause: trimmed(this.rootCause),
      notes: trimmed(this.notes),
      followUpAction: trimmed(this.followUp),
    };
    const result = nextCallbackState(this.toCallback(), event, now);
    if (!result.ok) {
      this.refusal = `${LABELS.refused} ${REFUSALS[result.code] ?? result.reason}`;
      return;
    }
    const next = result.callback;
    const fields = {
      [ID_FIELD.fieldApiName]: this.recordId,
      [STATUS_FIELD.fieldApiName]: TO_PICKLIST[next.status],
      [OUTCOME_FIELD.fieldApiName]: next.outcome ?? null,
      [ROOT_CAUSE_FIELD.fieldApiName]: next.rootCause ?? null,
      [NOTES_FIELD.fieldApiName]: next.notes ?? null,
      [FOLLOW_UP_FIELD.fieldApiName]: next.followUpAction ?? null,
    };
    if (next.reachedAt && next.reachedAt !== this.field(REACHED_FIELD)) {
      fields[REACHED_FIELD.fieldApiName] = next.reachedAt;
    }
    this.saving = true;
    this.refusal = undefined;
    try {
      await updateRecord({ fields });
      // Blank again, saying what was written: a form that kept its text would invite a second log.
      this.savedText = format(
        BOUCLE_LOGGER_SAVED_WHAT,
        [
          STATUS_LABELS[next.status],
          ...[
            [LABELS.outcome, event.outcome],
            [LABELS.rootCause, event.rootCause],
            [LABELS.notes, event.notes],
            [LABELS.followUp, event.followUpAction],
          ]
            .filter(([, text]) => text)
            .map(([label, text]) => `${label}: ${text}`),
        ].join(' · '),
      );
      this.status = undefined;
      this.outcome = '';
      this.rootCause = '';
      this.notes = '';
      this.followUp = '';
      this.dispatchEvent(
        new ShowToastEvent({
          title: LABELS.saved,
          message: this.savedText,
          variant: 'success',
        }),
      );
      // Closes the panel when opened as the "Log callback" quick action; a no-op on the page.
      this.dispatchEvent(new CloseActionScreenEvent());
    } catch (error) {
      this.refusal = errorMessage(error) || LABELS.error;
    } finally {
      this.saving = false;
    }
  }
}
