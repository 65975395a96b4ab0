import { z } from 'zod';
import type { AnswerInput } from '@boucle/shared/schemas';
import { accountRef } from './typeform.ts';

/** A SurveyMonkey response (`GET /v3/surveys/{id}/responses/{id}/details`), the parts Boucle reads. */
export const surveyMonkeyResponseSchema = z
  .object({
    id: z.string(),
    survey_id: z.string(),
    response_status: z.string().optional(),
    date_modified: z.string(),
    email_address: z.string().optional(),
    custom_variables: z.record(z.string(), z.unknown()).optional(),
    pages: z.array(
      z
        .object({
          questions: z.array(
            z
              .object({
                id: z.string(),
                answers: z.array(
                  z
                    .object({ choice_id: z.string().optional(), text: z.string().optional() })
                    .loose(),
                ),
              })
              .loose(),
          ),
        })
        .loose(),
    ),
  })
  .loose();

/** A SurveyMonkey survey (`GET /v3/surveys/{id}/details`): questions and their choices. */
export const surveyMonkeySurveySchema = z
  .object({
    pages: z.array(
      z
        .object({
          questions: z.array(
            z
              .object({
                id: z.string(),
                family: z.string().optional(),
                answers: z
                  .object({
                    choices: z
                      .array(
                        z
                          .object({
                            id: z.string(),
                            text: z.string().optional(),
                            position: z.number().optional(),
                          })
                          .loose(),
                      )
                      .optional(),
                  })
                  .loose()
                  .optional(),
              })
              .loose(),
          ),
        })
        .loose(),
    ),
  })
  .loose();

const SURVEYMONKEY_DATE = (text: string) => new Date(text).toISOString();

/**
 * A SurveyMonkey response as an answer: the score is the first question whose choices are the
 * eleven values 0 to 10 (an NPS question), the comment the first free text, the respondent the
 * response's e-mail or the `email` custom variable; `account`/`account_id`, `touchpoint` and
 * `interaction_id` custom variables fill the rest.
 */
export function surveyMonkeyAnswer(
  response: z.output<typeof surveyMonkeyResponseSchema>,
  survey: z.output<typeof surveyMonkeySurveySchema>,
): AnswerInput {
  const scoreOf = new Map<string, number>();
  let scoreQuestion: string | undefined;
  for (const question of survey.pages.flatMap((p) => p.questions)) {
    const choices = question.answers?.choices ?? [];
    const values = choices.map((c) => Number(c.text));
    if (!scoreQuestion && choices.length === 11 && values.every((v, i) => v === i)) {
      scoreQuestion = question.id;
      choices.forEach((c, i) => scoreOf.set(c.id, i));
    }
  }
  const answers = response.pages.flatMap((p) => p.questions);
  const choice = answers.find((q) => q.id === scoreQuestion)?.answers[0]?.choice_id;
  const comment = answers
    .flatMap((q) => q.answers)
    .find((a) => a.text && a.text.trim() !== '')?.text;
  const vars = response.custom_variables ?? {};
  const text = (name: string) =>
    typeof vars[name] === 'string' && (vars[name] as string).trim() !== ''
      ? (vars[name] as string).trim()
      : undefined;
  const email = response.email_address || text('email');
  const account = accountRef(text('account') ?? text('account_id'));
  return {
    id: response.id,
    source: 'surveymonkey',
    metric: 'nps',
    score:
      choice === undefined ? (undefined as unknown as number) : (scoreOf.get(choice) as number),
    ...(comment && { comment }),
    answeredAt: SURVEYMONKEY_DATE(response.date_modified),
    ...(email && { respondent: { email } }),
    ...(account && { account }),
    ...(text('touchpoint') && { touchpoint: text('touchpoint') }),
    ...(text('interaction_id') && { interactionId: text('interaction_id') }),
  };
}

/** A Qualtrics response (`GET /API/v3/surveys/{id}/responses/{id}`), the parts Boucle reads. */
export const qualtricsResponseSchema = z
  .object({
    result: z.object({ responseId: z.string(), values: z.record(z.string(), z.unknown()) }).loose(),
  })
  .loose();

/**
 * A Qualtrics response as an answer: the score is `QID1` (or the first numeric `QID…` value), the
 * comment the first `…_TEXT` value, the respondent `recipientEmail`; embedded data `account`,
 * `touchpoint` and `interaction_id` fill the rest.
 */
export function qualtricsAnswer(response: z.output<typeof qualtricsResponseSchema>): AnswerInput {
  const values = response.result.values;
  const text = (name: string) =>
    typeof values[name] === 'string' && (values[name] as string).trim() !== ''
      ? (values[name] as string).trim()
      : undefined;
  const scoreKey =
    'QID1' in values
      ? 'QID1'
      : Object.keys(values).find((k) => /^QID\d+$/.test(k) && typeof values[k] === 'number');
  const commentKey = Object.keys(values).find((k) => /^QID\d+_TEXT$/.test(k) && text(k));
  const email = text('recipientEmail');
  const account = accountRef(text('account') ?? text('account_id'));
  const ended = text('endDate') ?? text('recordedDate');
  return {
    id: response.result.responseId,
    source: 'qualtrics',
    metric: 'nps',
    score: (scoreKey ? Number(values[scoreKey]) : undefined) as number,
    ...(commentKey && { comment: text(commentKey) }),
    answeredAt: ended ? new Date(ended).toISOString() : (undefined as unknown as string),
    ...(email && { respondent: { email } }),
    ...(account && { account }),
    ...(text('touchpoint') && { touchpoint: text('touchpoint') }),
    ...(text('interaction_id') && { interactionId: text('interaction_id') }),
  };
}

/**
 * A HubSpot feedback submission as an answer: NPS, CSAT and CES surveys (custom surveys carry no
 * score Boucle can use); the value, the comment, the contact's e-mail.
 */
export function hubspotFeedbackAnswer(submission: {
  id: string;
  createdAt: string;
  properties: Record<string, string | null>;
  email?: string;
}): AnswerInput | undefined {
  const metric = ({ NPS: 'nps', CSAT: 'csat', CES: 'ces' } as const)[
    String(submission.properties.hs_survey_type) as 'NPS' | 'CSAT' | 'CES'
  ];
  if (!metric) return undefined;
  const comment = submission.properties.hs_content?.trim();
  const survey = submission.properties.hs_survey_name?.trim();
  return {
    id: submission.id,
    source: 'hubspot',
    metric,
    score: Number(submission.properties.hs_response_value),
    ...(comment && { comment }),
    answeredAt: submission.createdAt,
    ...(submission.email && { respondent: { email: submission.email } }),
    ...(survey && { touchpoint: survey.slice(0, 255) }),
  };
}
