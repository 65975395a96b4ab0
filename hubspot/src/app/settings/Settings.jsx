import React from 'react';
import { hubspot } from '@hubspot/ui-extensions';
import { SettingsView } from './SettingsView.jsx';

hubspot.extend(({ context }) => <SettingsView context={context} fetch={hubspot.fetch} />);
