import React, { useState } from 'react';
import { Alert, Button, Form, TextArea, ToggleGroup } from '@hubspot/ui-extensions';
import { boucle, describeError } from './boucle.js';
import { translator } from './i18n.js';

/**
 * The employee rates the answer they gave on this interaction (the ticket or contact the card sits
 * on; its record id is the interaction id surveys carry), 1–5, in two clicks: a score, then Save.
 * The rating's id is `<interaction>:<user>`, so rating twice is a duplicate, not a second rating.
 */
export function RatingCardView({ context, fetch }) {
  const t = translator(context?.user?.locale);
  const interactionId = String(context?.crm?.objectId ?? '');
  const [rating, setRating] = useState();
  const [comment, setComment] = useState('');
  const [message, setMessage] = useState();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  const submit = async () => {
    if (!rating) return;
    setSaving(true);
    try {
      const result = await boucle(fetch, '/ratings', {
        method: 'POST',
        body: {
          id: `${interactionId}:${context.user.id}`,
          interactionId,
          employeeEmail: context.user.email,
          rating: Number(rating),
          ...(comment.trim() && { comment: comment.trim() }),
          ratedAt: new Date().toISOString(),
        },
      });
      setSaved(true);
      setMessage({
        variant: result.duplicates > 0 ? 'warning' : 'success',
        text: result.duplicates > 0 ? t('ratingAlready') : t('ratingSaved'),
      });
    } catch (error) {
      setMessage({ variant: 'danger', text: describeError(error) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form onSubmit={submit}>
      <ToggleGroup
        name="rating"
        label={t('ratingQuestion')}
        toggleType="radioButtonList"
        inline={true}
        value={rating}
        options={[1, 2, 3, 4, 5].map((value) => ({
          label: t(`rating${value}`),
          value: String(value),
        }))}
        onChange={(value) => setRating(value)}
      />
      <TextArea name="comment" label={t('ratingComment')} value={comment} onChange={setComment} />
      {message && <Alert title={message.text} variant={message.variant} />}
      <Button type="submit" variant="primary" disabled={!rating || saving || saved}>
        {t('ratingSave')}
      </Button>
    </Form>
  );
}
