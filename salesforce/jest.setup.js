// The accessibility matcher of lwc-recipes: `await expect(element).toBeAccessible()`.
const { registerSa11yMatcher } = require('@sa11y/jest');

registerSa11yMatcher();
