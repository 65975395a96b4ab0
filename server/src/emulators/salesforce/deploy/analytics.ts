/**
 * The offline deploy check's rules for reports and dashboards, through two hooks:
 * `classifyAnalytics` (called by files.ts's `classify`) for where their files live, and
 * `checkAnalytics` (called by deployCheck.ts once every file is read). The elements of each file
 * are checked against the Metadata API's WSDL by wsdl.ts;
 * what is checked here is what only the package as a whole can say:
 *
 * - a report lives in a folder the package defines (`reports/<Folder>.reportFolder-meta.xml`), a
 *   dashboard likewise (`dashboards/<Folder>.dashboardFolder-meta.xml`);
 * - a report names a custom report type of the package with the `__c` suffix reports use
 *   (`<reportType>Survey_Responses__c</reportType>` for `Survey_Responses.reportType-meta.xml`);
 * - every column, grouping, filter and date filter of a report is `Table$Field`, Table one of its
 *   report type's tables (`Account`, `Account.Survey_Responses__r`) and Field a column that table
 *   lists; a standard lookup listed as `OwnerId` is addressed as `Owner`, as Salesforce's own
 *   samples address `CreatedById` (`CRT_Object__c$CreatedBy`). Not confirmed against an org from
 *   here (docs/emulators.md);
 * - summaries (Sum, Average, Maximum, Minimum) only on number fields;
 * - a Summary report groups down, a Matrix report down and across;
 * - a dashboard names reports of the package (`Folder/Report`), runs as the viewer
 *   (`LoggedInUser`: a package cannot know a subscriber's user names) or names a running user,
 *   and charts only columns its report summarizes (or the record count, `RowCount`) or groups by.
 */

interface Element {
  readonly name: string;
  readonly line: number;
  readonly text: string;
  readonly children: readonly Element[];
}

interface AnalyticsFile {
  readonly path: string;
  readonly type: string;
  readonly name: string;
  readonly root?: Element | undefined;
}

interface Index {
  hasField(object: string, field: string): boolean;
  field(object: string, field: string): { readonly type: string } | undefined;
  childOf(parent: string, relationship: string): string | undefined;
}

export interface AnalyticsProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

const child = (element: Element | undefined, name: string) =>
  element?.children.find((c) => c.name === name);
const childrenNamed = (element: Element | undefined, name: string) =>
  element?.children.filter((c) => c.name === name) ?? [];
const textOf = (element: Element | undefined) => element?.text.trim() ?? '';
function descendants(element: Element, name: string): Element[] {
  return element.children.flatMap((c) => [
    ...(c.name === name ? [c] : []),
    ...descendants(c, name),
  ]);
}

const NUMERIC = new Set(['Number', 'Percent', 'Currency']);
const SUMMARIES = new Set(['Sum', 'Average', 'Maximum', 'Minimum']);
const FORMATS = new Set(['Tabular', 'Summary', 'Matrix', 'MultiBlock']);

/**
 * Where reports, dashboards and their folders live in source format, and their metadata types;
 * `undefined` for any other path.
 * @param parts the path relative to `main/default`, split on `/`
 */
export function classifyAnalytics(
  parts: readonly string[],
): { type: string; name: string } | undefined {
  const [folder] = parts;
  const file = parts.at(-1) as string;
  const kinds: Record<string, [string, string, string, string]> = {
    reports: ['ReportFolder', '.reportFolder-meta.xml', 'Report', '.report-meta.xml'],
    dashboards: [
      'DashboardFolder',
      '.dashboardFolder-meta.xml',
      'Dashboard',
      '.dashboard-meta.xml',
    ],
  };
  const kind = kinds[folder as string];
  if (!kind) return undefined;
  const [folderType, folderSuffix, type, suffix] = kind;
  if (parts.length === 2 && file.endsWith(folderSuffix))
    return { type: folderType, name: file.slice(0, -folderSuffix.length) };
  if (parts.length === 3 && file.endsWith(suffix))
    return { type, name: `${parts[1]}/${file.slice(0, -suffix.length)}` };
  return undefined;
}

/**
 * The tables of a report type (`Base`, `Base.Relationship`…) → the object and the fields listed;
 * `undefined` when a join does not resolve.
 */
function reportTypeTables(
  root: Element,
  index: Index,
): Map<string, { object: string; fields: Set<string> }> | undefined {
  const base = textOf(child(root, 'baseObject'));
  const objects = new Map<string, string>([[base, base]]);
  let join = child(root, 'join');
  let table = base;
  while (join) {
    const relationship = textOf(child(join, 'relationship'));
    const target = index.childOf(objects.get(table) as string, relationship);
    if (!target) return undefined; // deployCheck.ts reports the join
    table = `${table}.${relationship}`;
    objects.set(table, target);
    join = child(join, 'join');
  }
  const tables = new Map<string, { object: string; fields: Set<string> }>();
  for (const [name, object] of objects) tables.set(name, { object, fields: new Set() });
  for (const column of descendants(root, 'columns')) {
    const entry = tables.get(textOf(child(column, 'table')));
    entry?.fields.add(textOf(child(column, 'field')));
  }
  return tables;
}

/** The checks above over every report, dashboard and folder of the package. */
export function checkAnalytics(files: readonly AnalyticsFile[], index: Index): AnalyticsProblem[] {
  const problems: AnalyticsProblem[] = [];
  const named = (type: string) =>
    new Map(files.filter((f) => f.type === type).map((f) => [f.name, f]));
  const reportTypes = named('ReportType');
  const reports = named('Report');
  const reportFolders = named('ReportFolder');
  const dashboardFolders = named('DashboardFolder');
  /** Per report: the columns it summarizes and the fields it groups by, for its dashboards. */
  const charted = new Map<string, { summarized: Set<string>; grouped: Set<string> }>();

  for (const file of files) {
    const root = file.root;
    if (!root || root.name !== file.type) continue;
    const report = (element: Element, message: string) =>
      problems.push({ file: file.path, line: element.line, message });

    if (file.type === 'ReportFolder' || file.type === 'DashboardFolder') {
      if (!textOf(child(root, 'name'))) report(root, `the ${file.type} ${file.name} has no <name>`);
      continue;
    }

    if (file.type === 'Report') {
      const folder = file.name.split('/')[0] as string;
      if (!reportFolders.has(folder))
        report(
          root,
          `report ${file.name} is in the folder ${folder}, which the package does not define`,
        );
      const format = child(root, 'format');
      if (!FORMATS.has(textOf(format)))
        report(
          format ?? root,
          `"${textOf(format)}" is not a report format (${[...FORMATS].join(', ')})`,
        );
      if (
        ['Summary', 'Matrix'].includes(textOf(format)) &&
        childrenNamed(root, 'groupingsDown').length === 0
      )
        report(format as Element, `a ${textOf(format)} report groups down (<groupingsDown>)`);
      if (textOf(format) === 'Matrix' && childrenNamed(root, 'groupingsAcross').length === 0)
        report(format as Element, 'a Matrix report also groups across (<groupingsAcross>)');

      const typeElement = child(root, 'reportType');
      const typeName = textOf(typeElement);
      const reportType = typeName.endsWith('__c')
        ? reportTypes.get(typeName.slice(0, -3))
        : undefined;
      if (!reportType?.root) {
        report(
          typeElement ?? root,
          reportTypes.has(typeName)
            ? `a report names the custom report type ${typeName} as ${typeName}__c`
            : `report type ${typeName} is not a report type of the package`,
        );
        continue;
      }
      const tables = reportTypeTables(reportType.root, index);
      // A report type that does not resolve is reported as such; its reports cannot be judged.
      if (!tables) continue;
      /** The object field a `Table$Field` column is, or a problem reported on `element`. */
      const resolve = (element: Element): { object: string; field: string } | undefined => {
        const token = textOf(element);
        const [table, field] = token.split('$') as [string, string | undefined];
        const entry = tables.get(table);
        if (!field || !entry) {
          report(
            element,
            `${token} is not Table$Field with Table one of ${[...tables.keys()].join(', ')} (report type ${reportType.name})`,
          );
          return undefined;
        }
        const listed = entry.fields.has(field)
          ? field
          : entry.fields.has(`${field}Id`)
            ? `${field}Id`
            : undefined;
        if (!listed) {
          report(element, `report type ${reportType.name} does not list ${field} in ${table}`);
          return undefined;
        }
        return { object: entry.object, field: listed };
      };

      const summarized = new Set<string>();
      const grouped = new Set<string>();
      for (const column of childrenNamed(root, 'columns')) {
        const field = child(column, 'field');
        if (!field) continue;
        const resolved = resolve(field);
        const aggregates = childrenNamed(column, 'aggregateTypes');
        for (const aggregate of aggregates) {
          if (!SUMMARIES.has(textOf(aggregate)) && textOf(aggregate) !== 'Unique')
            report(
              aggregate,
              `"${textOf(aggregate)}" is not a summary (Sum, Average, Maximum, Minimum, Unique)`,
            );
          const type = resolved && index.field(resolved.object, resolved.field)?.type;
          if (resolved && SUMMARIES.has(textOf(aggregate)) && type && !NUMERIC.has(type))
            report(
              aggregate,
              `${textOf(field)} is a ${type} field: only numbers have a ${textOf(aggregate)}`,
            );
        }
        if (aggregates.length > 0) summarized.add(textOf(field));
      }
      for (const grouping of [
        ...childrenNamed(root, 'groupingsDown'),
        ...childrenNamed(root, 'groupingsAcross'),
      ]) {
        const field = child(grouping, 'field');
        if (field && resolve(field)) grouped.add(textOf(field));
      }
      for (const item of descendants(root, 'criteriaItems')) {
        const column = child(item, 'column');
        if (column) resolve(column);
      }
      const dateColumn = child(child(root, 'timeFrameFilter'), 'dateColumn');
      if (dateColumn) resolve(dateColumn);
      charted.set(file.name, { summarized, grouped });
    }
  }

  for (const file of files) {
    const root = file.root;
    if (file.type !== 'Dashboard' || !root || root.name !== file.type) continue;
    const report = (element: Element, message: string) =>
      problems.push({ file: file.path, line: element.line, message });
    const folder = file.name.split('/')[0] as string;
    if (!dashboardFolders.has(folder))
      report(
        root,
        `dashboard ${file.name} is in the folder ${folder}, which the package does not define`,
      );
    const type = child(root, 'dashboardType');
    if (textOf(type) !== 'LoggedInUser' && !child(root, 'runningUser'))
      report(
        type ?? root,
        'a packaged dashboard runs as the viewer (<dashboardType>LoggedInUser</dashboardType>): it cannot name a subscriber’s user',
      );
    for (const component of descendants(root, 'components')) {
      const reportElement = child(component, 'report');
      if (!reportElement || !reports.has(textOf(reportElement))) {
        report(
          reportElement ?? component,
          `dashboard component on ${textOf(reportElement)}, which is not a report of the package`,
        );
        continue;
      }
      // A report whose report type is wrong has been reported; its columns cannot be known.
      const source = charted.get(textOf(reportElement));
      if (!source) continue;
      for (const summary of childrenNamed(component, 'chartSummary')) {
        const column = child(summary, 'column');
        // RowCount, the record count, is every report's.
        if (column && textOf(column) !== 'RowCount' && !source.summarized.has(textOf(column)))
          report(column, `${textOf(reportElement)} does not summarize ${textOf(column)}`);
      }
      for (const grouping of childrenNamed(component, 'groupingColumn'))
        if (!source.grouped.has(textOf(grouping)))
          report(grouping, `${textOf(reportElement)} does not group by ${textOf(grouping)}`);
    }
  }
  return problems;
}
