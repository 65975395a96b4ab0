// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import lwcConfig from '@salesforce/eslint-config-lwc';
import { config as hubspotUiConfig } from '@hubspot/eslint-config-ui-extensions';
import react from 'eslint-plugin-react';

const cardFiles = ['hubspot/src/**/*.{js,jsx}'];
// HubSpot's own rules for UI extensions (no browser storage, no HTML elements, no APIs the
// sandboxed worker lacks), plus React's, scoped to the cards.
const hubspotCards = [
  ...hubspotUiConfig
    .filter((config) => config.plugins)
    .map((config) => ({ ...config, files: cardFiles })),
  {
    files: ['hubspot/**/*.jsx'],
    ...react.configs.flat.recommended,
    ...react.configs.flat['jsx-runtime'],
    languageOptions: {
      ...react.configs.flat.recommended.languageOptions,
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    settings: { react: { version: '18.3' } },
  },
];
// Boundaries of the server (style.md): each CRM's client library is imported by its adapter alone,
// and the emulators (test and sandbox infrastructure) only by the sandbox wiring, their command and
// tests, never by the product code that must run against real CRMs.
const serverBoundaries = {
  jsforce: {
    group: ['jsforce', 'jsforce/*'],
    message: 'jsforce is imported only under server/src/crm/salesforce/ (the Salesforce adapter).',
  },
  hubspot: {
    group: ['@hubspot/api-client', '@hubspot/api-client/*'],
    message:
      '@hubspot/api-client is imported only under server/src/crm/hubspot/ (the HubSpot adapter).',
  },
  emulators: {
    group: ['**/emulators/*', '**/emulators/**'],
    message:
      'The emulators are test and sandbox infrastructure: import them only from the sandbox wiring (server.ts), the emulator command and tests.',
  },
};
// The sync engine sees a CRM only through the CrmAdapter interface (crm/adapter.ts); the generic
// queue worker knows nothing of the job kinds the loop implements.
const engineBoundaries = {
  crmSpecific: {
    group: ['**/crm/salesforce/*', '**/crm/hubspot/*'],
    message:
      'queue/ and loop/ reach a CRM only through the CrmAdapter interface (server/src/crm/adapter.ts).',
  },
  loop: {
    group: ['**/loop/*'],
    message: 'queue/ is the generic worker: the job kinds (loop/) plug into it, not the reverse.',
  },
};
/**
 * The server files in `files` may cross the boundaries named in `allowed`, and no other; `also`
 * names boundaries of `engineBoundaries` that hold for them too.
 */
function serverImports(files, allowed = [], also = []) {
  const patterns = [
    ...Object.entries(serverBoundaries)
      .filter(([name]) => !allowed.includes(name))
      .map(([, pattern]) => pattern),
    ...also.map((name) => engineBoundaries[name]),
  ];
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}
const lwcFiles = ['salesforce/force-app/**/lwc/**/*.js', 'salesforce/jest-mocks/**/*.js'];
// Salesforce's own LWC rules (decorators, wire adapters, Lightning platform
// restrictions, jest), scoped to the LWC bundle only.
const lwcRecommended = lwcConfig.configs.recommended.map((config) => ({
  ...config,
  files: lwcFiles,
}));

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/coverage/**',
      'data/**',
      'salesforce/force-app/main/default/lwc/npsCore/npsCore.js',
      'hubspot/src/app/cards/boucle-core.js',
      'hubspot/.vitest-results.json',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended.map((config) => ({ ...config, ignores: lwcFiles })),
  {
    ignores: lwcFiles,
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // `as const` unions emit no runtime code into the LWC bundle; enums do.
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` union, not an enum.' },
      ],
    },
  },
  {
    // shared/ is pure: no Node APIs, no clock, no environment, no randomness.
    files: ['shared/src/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'process'],
              message: 'shared/ is pure: no Node APIs.',
            },
            {
              group: ['zod', 'zod/*'],
              message: 'Only shared/src/schemas may depend on zod at run time.',
              allowTypeImports: true,
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        'process',
        'Buffer',
        'setTimeout',
        'setInterval',
        'require',
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'shared/ has no clock: take `now` as an argument.',
        },
        { object: 'Math', property: 'random', message: 'shared/ has no randomness.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` union, not an enum.' },
        {
          selector: 'NewExpression[callee.name="Date"][arguments.length=0]',
          message: 'shared/ has no clock: take `now` as an argument.',
        },
      ],
    },
  },
  {
    files: ['shared/src/schemas/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], message: 'shared/ is pure: no Node APIs.' }] },
      ],
    },
  },
  serverImports(['server/src/**/*.ts']),
  serverImports(['server/src/crm/salesforce/**/*.ts'], ['jsforce']),
  serverImports(['server/src/crm/hubspot/**/*.ts'], ['hubspot']),
  serverImports(['server/src/loop/**/*.ts'], [], ['crmSpecific']),
  serverImports(['server/src/queue/**/*.ts'], [], ['crmSpecific', 'loop']),
  serverImports(
    ['server/src/emulators/**/*.ts', 'server/src/server.ts', 'server/src/cli/commands/emulator.ts'],
    ['emulators'],
  ),
  ...lwcRecommended,
  ...hubspotCards,
  {
    // Jest tests load their JSON fixtures with require(), as the LWC recipes do.
    files: ['salesforce/force-app/**/lwc/**/__tests__/**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      // Tests drive the wire adapters' test doubles (getRecord.emit) and wait for macrotasks.
      '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off',
      '@lwc/lwc/no-async-operation': 'off',
    },
  },
  {
    // Jest config for the LWC workspace is CommonJS run by Node.
    files: ['salesforce/*.js', 'salesforce/test/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node, ...globals.jest } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The preview page's browser code: its entry and the stand-ins for Salesforce-only modules.
    files: ['server/src/preview/client/**/*.js', 'server/src/preview/modules/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
