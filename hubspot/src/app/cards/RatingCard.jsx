import React from 'react';
import { hubspot } from '@hubspot/ui-extensions';
import { RatingCardView } from './RatingCardView.jsx';

hubspot.extend(({ context }) => <RatingCardView context={context} fetch={hubspot.fetch} />);
