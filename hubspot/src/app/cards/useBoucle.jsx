import React, { useCallback, useEffect, useState } from 'react';
import { ErrorState, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import { boucle } from './boucle.js';

/**
 * What a card reads from the Boucle server at `path`: `{ loading }`, `{ data }` or `{ error }`, and
 * `reload` to read it again (after a save). An answer to a path the card has left is dropped.
 */
export function useBoucle(fetch, path) {
  const [state, setState] = useState({ loading: true });
  const reload = useCallback(() => {
    let live = true;
    boucle(fetch, path)
      .then((data) => live && setState({ data }))
      .catch((error) => live && setState({ error }));
    return () => {
      live = false;
    };
  }, [fetch, path]);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

/** The spinner while loading, or the error Boucle answered; null once the data is there. */
export function LoadingOrError({ state, t }) {
  if (state.loading) return <LoadingSpinner label={t('loading')} />;
  if (state.error)
    return (
      <ErrorState title={t('error')}>
        <Text>{state.error.message}</Text>
      </ErrorState>
    );
  return null;
}
