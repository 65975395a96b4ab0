import React from 'react';
import { hubspot } from '@hubspot/ui-extensions';
import { CompanyCardView } from './CompanyCardView.jsx';

hubspot.extend(({ context }) => <CompanyCardView context={context} fetch={hubspot.fetch} />);
