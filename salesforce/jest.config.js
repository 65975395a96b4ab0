// Jest for the Lightning Web Components (sfdx-lwc-jest), run from the repository root, where
// sfdx-project.json is; only salesforce/force-app is searched, so the server's tests are left to Vitest.
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
  ...jestConfig,
  rootDir: require('node:path').join(__dirname, '..'),
  roots: ['<rootDir>/salesforce/force-app', '<rootDir>/salesforce/test'],
  setupFilesAfterEnv: [
    ...(jestConfig.setupFilesAfterEnv ?? []),
    '<rootDir>/salesforce/jest.setup.js',
  ],
};
