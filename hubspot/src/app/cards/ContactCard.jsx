import React from 'react';
import { hubspot } from '@hubspot/ui-extensions';
import { ContactCardView } from './ContactCardView.jsx';

hubspot.extend(({ context }) => <ContactCardView context={context} fetch={hubspot.fetch} />);
