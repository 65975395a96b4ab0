// Jest for the Salesforce workspace, run from the repository root (where sfdx-project.json is).
// Two projects: the Lightning Web Components under sfdx-lwc-jest (jsdom, LWC stubs), and the
// package checks in salesforce/test under plain Node (they load Salesforce's metadata library).
// The server's tests are left to Vitest.
const path = require('node:path');
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

const rootDir = path.join(__dirname, '..');

module.exports = {
  projects: [
    {
      ...jestConfig,
      displayName: 'lwc',
      rootDir,
      roots: ['<rootDir>/salesforce/force-app'],
      moduleNameMapper: {
        ...jestConfig.moduleNameMapper,
        '^lightning/actions$': '<rootDir>/salesforce/jest-mocks/lightning/actions.js',
        '^lightning/navigation$': '<rootDir>/salesforce/jest-mocks/lightning/navigation.js',
        '^lightning/graphql$': '<rootDir>/salesforce/jest-mocks/lightning/graphql.js',
      },
      setupFilesAfterEnv: [
        ...(jestConfig.setupFilesAfterEnv ?? []),
        '<rootDir>/salesforce/jest.setup.js',
      ],
    },
    {
      displayName: 'package',
      rootDir,
      roots: ['<rootDir>/salesforce/test'],
      testEnvironment: 'node',
    },
  ],
};
