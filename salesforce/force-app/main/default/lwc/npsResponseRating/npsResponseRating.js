import { LightningElement, api, wire } from 'lwc';
import { createRecord, getRecord } from 'lightning/uiRecordApi';
import { gql, graphql } from 'lightning/graphql';
import USER_ID from '@salesforce/user/Id';
import { classifyDissonance } from 'c/npsCore';
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
const METRICS = { NPS: 'nps', CSAT: 'csat', CES: 'ces' };
const DISSONANCE_VALUES = {
  dissonance: 'Dissonance',
  fatalist: 'Fatalist',
  improvement: 'Improvement',
  aligned: 'Aligned',
};

// The customer's answer to the same interaction, if it has arrived: the rating is then linked to
// it and classified at once (c/npsCore, the same rule as the server's).
const ANSWER_QUERY = gql`
  query answerForInteraction($interactionId: String) {
    uiapi {
      query {
        Survey_Response__c(where: { Interaction_Id__c: { eq: $interactionId } }, first: 1) {
          edges {
            node {
              Id
              Metric__c {
                value
              }
              Score__c {
                value
              }
            }
          }
        }
      }
    }
  }
`;

/**
 * The employee rates the answer they gave a customer, 1–5, in two clicks (a score, then Save),
 * on a Case, a Task or any record carrying an interaction id. One rating per employee and
 * interaction: `External_Id__c` is `salesforce:<interaction id>:<user id>`, unique, so a second
 * rating is refused with a clear message instead of counted twice.
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
  answer;

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

  get answerVariables() {
    return this.interactionId ? { interactionId: this.interactionId } : undefined;
  }

  @wire(graphql, { query: ANSWER_QUERY, variables: '$answerVariables' })
  wiredAnswer({ data }) {
    const node = data?.uiapi?.query?.Survey_Response__c?.edges?.[0]?.node;
    const metric = node && METRICS[node.Metric__c?.value];
    const score = node?.Score__c?.value;
    this.answer = metric && typeof score === 'number' ? { id: node.Id, metric, score } : undefined;
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
      External_Id__c: `salesforce:${interactionId}:${USER_ID}`,
      Interaction_Id__c: interactionId,
      Employee__c: USER_ID,
      Rating__c: this.rating,
    };
    if (this.comment.trim()) fields.Comment__c = this.comment.trim();
    if (this.answer) {
      fields.Survey_Response__c = this.answer.id;
      fields.Dissonance__c = DISSONANCE_VALUES[classifyDissonance(this.answer, this.rating).kind];
    }
    this.saving = true;
    this.error = undefined;
    try {
      await createRecord({ apiName: 'Response_Rating__c', fields });
      this.saved = true;
    } catch (error) {
      this.error = isDuplicateValue(error) ? LABELS.already : errorMessage(error) || LABELS.error;
    } finally {
      this.saving = false;
    }
  }
}
