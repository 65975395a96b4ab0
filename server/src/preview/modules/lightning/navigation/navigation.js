// Stand-in for lightning/navigation: NavigationMixin as components use it for record pages.
// GenerateUrl answers the record page URL an org gives; Navigate is left to the page, which opens
// a callback link in its own logger (client/main.js), the preview having no record pages.
const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

export const NavigationMixin = (Base) =>
  class extends Base {
    [Navigate]() {}
    [GenerateUrl](pageReference) {
      const { objectApiName, recordId, actionName = 'view' } = pageReference.attributes;
      return Promise.resolve(`/lightning/r/${objectApiName}/${recordId}/${actionName}`);
    }
  };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;
