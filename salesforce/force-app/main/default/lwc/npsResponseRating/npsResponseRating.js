import { LightningElement, api, wire } from 'lwc';
import { createRecord, getRecord } from 'lightning/uiRecordApi';
import USER_ID from '@salesforce/user/Id';
import RATING_OBJECT from '@salesforce/schema/Response_Rating__c';
import EXTERNAL_ID_FIELD from '@salesforce/schema/Response_Rating__c.External_Id__c';
import INTERACTION_FIELD from '@salesforce/schema/Response_Rating__c.Interaction_Id__c';
import EMPLOYEE_FIELD from '@salesforce/schema/Response_Rating__c.Employee__c';
import RATING_FIELD from '@salesforce/schema/Response_Rating__c.Rating__c';
import COMMENT_FIELD from '@salesforce/schema/Response_Rating__c.Comment__c';
import { errorMessage, isDuplicateValue } from 'c/boucleUi';
import BOUCLE_RATING_TITLE from '@salesforce/label/c.Boucle_Rating_Title';
import BOUCLE_RATING_QUESTION from '@salesforce/label/c.Boucle_Rating_Question';
import BOUCLE_RATING_1 from '@salesforce/label/c.Boucle_Rating_1';
import BOUCLE_RATING_2 from '@salesforce/label/c.Boucle_Rating_2';
import BOUCLE_RATING_3 from '@salesforce/label/c.Boucle_Rating_3';
import BOUCLE_RATING_4 from '@salesforce/label/c.Boucle_Rating_4';
import BOUCLE_RATING_5 from '@salesforce/label/c.Boucle_Rating_5';
import BOUCLE_RATING_COMMENT from '@salesforce/label/c.Boucle_Rating_Comment';
import BOUCLE_RATING_SAVE from '@salesforce/label/c.Boucle_Rating_Save';
import BOUCLE_RATING_SAVED from '@salesforce/label/c.Boucle_Rating_Saved';
import BOUCLE_RATING_ALREADY from '@salesforce/label/c.Boucle_Rating_Already';
import BOUCLE_RATING_NO_INTERACTION from '@salesforce/label/c.Boucle_Rating_No_Interaction';
import BOUCLE_ERROR from '@salesforce/label/c.Boucle_Error';

const LABELS = {
  title: BOUCLE_RATING_TITLE,
  question: BOUCLE_RATING_QUESTION,
  comment: BOUCLE_RATING_COMMENT,
  save: BOUCLE_RATING_SAVE,
  saved: BOUCLE_RATING_SAVED,
  already: BOUCLE_RATING_ALREADY,
  noInteraction: BOUCLE_RATING_NO_INTERACTION,
  error: BOUCLE_ERROR,
};
const SCALE = [BOUCLE_RATING_1, BOUCLE_RATING_2, BOUCLE_RATING_3, BOUCLE_RATING_4, BOUCLE_RATING_5];
/**
 * The employee rates the answer they gave a customer, 1–5, in two clicks (a score, then Save),
 * on a Case, a Task or any record carrying an interaction id. One rating per employee and
 * interaction: `External_Id__c` is `salesforce:<interaction id>:<user id>`, unique, so a second
 * rating is refused with a clear message instead of counted twice; a validation rule ties both
 * the employee and the key to the user who saves. The link to the customer's answer and the
 * dissonance are computed fields, read-only for users: the component writes neither (the README
 * says who sets them).
 */
export default class NpsResponseRating extends LightningElement {
  @api recordId;
  @api objectApiName;
  /** The field of this record holding the interaction id; the record's Id when left empty. */
  @api interactionField;

  labels = LABELS;
  rating = 0;
  comment = '';
  saving = false;
  saved = false;
  error;
  record;
  recordError;

  get optionalFields() {
    return this.interactionField && this.objectApiName
      ? [`${this.objectApiName}.${this.interactionField}`]
      : undefined;
  }

  @wire(getRecord, { recordId: '$recordId', optionalFields: '$optionalFields' })
  wiredRecord({ data, error }) {
    this.record = data;
    this.recordError = error;
  }

  get interactionId() {
    if (!this.interactionField) return this.recordId || undefined;
    const field = this.record?.fields?.[this.interactionField];
    return field && field.value ? String(field.value) : undefined;
  }

  get loadingInteraction() {
    return Boolean(this.interactionField) && !this.record && !this.recordError;
  }

  get missingInteraction() {
    return !this.loadingInteraction && !this.interactionId;
  }

  get options() {
    return SCALE.map((label, index) => {
      const value = index + 1;
      const selected = value <= this.rating;
      return {
        value,
        label,
        pressed: value === this.rating ? 'true' : 'false',
        className: `star slds-button${selected ? ' star_selected' : ''}`,
      };
    });
  }

  get ratingText() {
    return this.rating ? SCALE[this.rating - 1] : '';
  }

  get saveDisabled() {
    return !this.rating || this.saving || this.saved || this.missingInteraction;
  }

  handleRate(event) {
    this.rating = Number(event.currentTarget.dataset.value);
    this.error = undefined;
  }

  handleComment(event) {
    this.comment = event.target.value;
  }

  async handleSave() {
    if (this.saveDisabled) return;
    const interactionId = this.interactionId;
    const fields = {
      [EXTERNAL_ID_FIELD.fieldApiName]: `salesforce:${interactionId}:${USER_ID}`,
      [INTERACTION_FIELD.fieldApiName]: interactionId,
      [EMPLOYEE_FIELD.fieldApiName]: USER_ID,
      [RATING_FIELD.fieldApiName]: this.rating,
    };
    if (this.comment.trim()) fields[COMMENT_FIELD.fieldApiName] = this.comment.trim();
    this.saving = true;
    this.error = undefined;
    try {
      await createRecord({ apiName: RATING_OBJECT.objectApiName, fields });
      this.saved = true;
    } catch (error) {
      this.error = isDuplicateValue(error) ? LABELS.already : errorMessage(error) || LABELS.error;
    } finally {
      this.saving = false;
    }
  }
}
