// The package's manifest, computed by Salesforce's own source-deploy-retrieve (what
// `sf project deploy` uses). `npm run manifest -w salesforce` rewrites
// salesforce/manifest/package.xml after a component is added or removed; a test compares them.
const fs = require('node:fs');
const path = require('node:path');
const { ComponentSet } = require('@salesforce/source-deploy-retrieve');

const SOURCE = path.join(__dirname, 'force-app');
const MANIFEST = path.join(__dirname, 'manifest', 'package.xml');
const API_VERSION = '62.0'; // set, so the library never looks the version up over the network

function componentSet() {
  const set = ComponentSet.fromSource(SOURCE);
  set.sourceApiVersion = API_VERSION;
  set.apiVersion = API_VERSION;
  return set;
}

async function packageXml() {
  return `${(await componentSet().getPackageXml()).trimEnd()}\n`;
}

module.exports = { SOURCE, MANIFEST, componentSet, packageXml };

if (require.main === module) {
  packageXml()
    .then((xml) => {
      fs.writeFileSync(MANIFEST, xml);
      console.log(`wrote ${path.relative(process.cwd(), MANIFEST)}`);
    })
    .catch((error) => {
      console.error(`manifest: ${error.message}`);
      process.exit(1);
    });
}
