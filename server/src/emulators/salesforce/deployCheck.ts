/**
 * What an org checks when the package is deployed, run offline: every metadata file of the SFDX
 * project is read against the Metadata API's types (deploy/wsdl.ts: the WSDL, as jsforce ships it
 * in crm/salesforce/metadataTypes.ts, plus a few later additions), the value rules the Metadata
 * API documentation gives (tab motifs, related list names), and its cross-references (layouts,
 * list views, report types, tabs, permission sets, apps, quick actions, Lightning pages and
 * translations name only objects, fields, tabs and components that exist: deploy/rules.ts over
 * deploy/packageIndex.ts). A deploy being all-or-nothing, one problem stops the whole package:
 * `npm run check:metadata` (CI) and the Salesforce emulator refuse the package as an org would,
 * naming the file and line.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { checkAnalytics } from './deploy/analytics.ts';
import { classify, type MetadataFile } from './deploy/files.ts';
import { PackageIndex } from './deploy/packageIndex.ts';
import { RULES } from './deploy/rules.ts';
import { checkElement } from './deploy/wsdl.ts';
import { XmlProblem, parseXml, type XmlElement } from './deploy/xml.ts';

export interface DeployProblem {
  /** Relative to the project folder (`main/default`). */
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

/** Checks the package in `projectDir` (the `main/default` folder) as a deploy would. */
export function checkPackage(projectDir: string): DeployProblem[] {
  const problems: DeployProblem[] = [];
  const files: MetadataFile[] = [];
  for (const path of walk(projectDir)) {
    if (!path.endsWith('-meta.xml')) continue;
    const rel = relative(projectDir, path).split('\\').join('/');
    const kind = classify(rel);
    if (!kind) {
      problems.push({ file: rel, line: 1, message: `no metadata type lives at ${rel}` });
      continue;
    }
    const file: MetadataFile = { path: rel, ...kind };
    try {
      file.root = parseXml(readFileSync(path, 'utf8'));
    } catch (error) {
      if (!(error instanceof XmlProblem)) throw error;
      problems.push({ file: rel, line: error.line, message: error.message });
    }
    files.push(file);
  }
  const index = new PackageIndex(files);
  for (const file of files) {
    if (!file.root) continue;
    const report = (element: XmlElement, message: string) =>
      problems.push({ file: file.path, line: element.line, message });
    if (file.root.name !== file.type) {
      report(
        file.root,
        `a ${basename(file.path)} file holds a <${file.type}>, not <${file.root.name}>`,
      );
      continue;
    }
    checkElement(file.root, file.type, file.type, report);
    RULES[file.type]?.(file, file.root, index, report);
  }
  problems.push(...checkAnalytics(files, index));
  return problems;
}

export function assertDeployable(projectDir: string): void {
  const problems = checkPackage(projectDir);
  if (problems.length > 0)
    throw new Error(
      `the Salesforce package would not deploy:\n${problems.map((p) => `  ${p.file}:${p.line}: ${p.message}`).join('\n')}`,
    );
}
