// lightning/navigation for Jest, after lwc-recipes' mock: NavigationMixin records what a component
// asked for, so a test can check the page reference (never a hand-built URL), and GenerateUrl
// answers the URL an org would give for a record page.
import { createTestWireAdapter } from '@salesforce/wire-service-jest-util';

export const CurrentPageReference = createTestWireAdapter(jest.fn());

let navigated;
const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

export const NavigationMixin = (Base) =>
  class extends Base {
    [Navigate](pageReference, replace) {
      navigated = { pageReference, replace };
    }
    [GenerateUrl](pageReference) {
      const { recordId, objectApiName, actionName } = pageReference.attributes;
      // Not the /lightning/r/… form a component could build by hand: a test of the href then
      // proves the URL came from GenerateUrl.
      return Promise.resolve(`/generated/${objectApiName}/${recordId}/${actionName}`);
    }
  };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;

/** The last navigation a component asked for: `{ pageReference, replace }`. */
export const getNavigateCalledWith = () => navigated;
export const resetNavigation = () => {
  navigated = undefined;
};
