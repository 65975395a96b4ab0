import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SALESFORCE_PROJECT } from '../../src/emulators/salesforce/app.ts';
import { checkPackage } from '../../src/emulators/salesforce/deployCheck.ts';
import { classifyAnalytics } from '../../src/emulators/salesforce/deploy/analytics.ts';

const OWNER = 'reports/Boucle_Reports/NPS_by_Owner.report-meta.xml';
const TREND = 'reports/Boucle_Reports/NPS_by_Touchpoint_and_Month.report-meta.xml';
const DASHBOARD = 'dashboards/Boucle_Dashboards/NPS_and_Loop_Closure.dashboard-meta.xml';
const copies: string[] = [];

/** A copy of the package with one file edited (`from` must occur in it). */
function packageWith(file: string, from: string, to: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'boucle-reports-'));
  copies.push(dir);
  cpSync(DEFAULT_SALESFORCE_PROJECT, dir, { recursive: true });
  const text = readFileSync(join(dir, file), 'utf8');
  expect(text).toContain(from);
  writeFileSync(join(dir, file), text.replace(from, to));
  return dir;
}
const messages = (dir: string) => checkPackage(dir).map((p) => `${p.file}: ${p.message}`);

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the deploy check of reports and dashboards', () => {
  it.each([
    [
      ['reports', 'Boucle_Reports.reportFolder-meta.xml'],
      { type: 'ReportFolder', name: 'Boucle_Reports' },
    ],
    [
      ['reports', 'Boucle_Reports', 'NPS_by_Owner.report-meta.xml'],
      { type: 'Report', name: 'Boucle_Reports/NPS_by_Owner' },
    ],
    [
      ['dashboards', 'Boucle_Dashboards.dashboardFolder-meta.xml'],
      { type: 'DashboardFolder', name: 'Boucle_Dashboards' },
    ],
    [
      ['dashboards', 'Boucle_Dashboards', 'NPS.dashboard-meta.xml'],
      { type: 'Dashboard', name: 'Boucle_Dashboards/NPS' },
    ],
    [['reports', 'NPS_by_Owner.report-meta.xml'], undefined],
    [['layouts', 'X.layout-meta.xml'], undefined],
  ])('finds the metadata type of %j', (parts, expected) => {
    expect(classifyAnalytics(parts)).toEqual(expected);
  });

  it('passes the shipped reports and dashboard', () => {
    expect(checkPackage(DEFAULT_SALESFORCE_PROJECT)).toEqual([]);
  });

  it('refuses a custom report type named without the __c reports use', () => {
    const dir = packageWith(
      OWNER,
      '<reportType>Accounts_with_Survey_Responses__c</reportType>',
      '<reportType>Accounts_with_Survey_Responses</reportType>',
    );
    expect(messages(dir)).toEqual([
      `${OWNER}: a report names the custom report type Accounts_with_Survey_Responses as Accounts_with_Survey_Responses__c`,
    ]);
  });

  it('refuses a column its report type does not list, and one of no table of it', () => {
    const dir = packageWith(
      TREND,
      '<field>Survey_Response__c$Touchpoint__c</field>',
      '<field>Survey_Response__c$Interaction_Id__c</field>',
    );
    expect(messages(dir)).toEqual([
      `${TREND}: report type Survey_Responses does not list Interaction_Id__c in Survey_Response__c`,
      // and the dashboard's chart by touchpoint has nothing to chart
      `${DASHBOARD}: Boucle_Reports/NPS_by_Touchpoint_and_Month does not group by Survey_Response__c$Touchpoint__c`,
    ]);
    const other = packageWith(
      TREND,
      '<field>Survey_Response__c$Touchpoint__c</field>',
      '<field>Survey_Response__c.Touchpoint__c</field>',
    );
    expect(messages(other)[0]).toContain('is not Table$Field with Table one of Survey_Response__c');
  });

  it('addresses a standard lookup listed as OwnerId as Owner', () => {
    const dir = packageWith(OWNER, '<field>Account$Owner</field>', '<field>Account$Parent</field>');
    expect(messages(dir)).toEqual([
      `${OWNER}: report type Accounts_with_Survey_Responses does not list Parent in Account`,
      expect.stringContaining('does not group by Account$Owner'),
    ]);
  });

  it('refuses an average of a field that is no number', () => {
    const dir = packageWith(
      TREND,
      '<field>Survey_Response__c$NPS_Points__c</field>',
      '<field>Survey_Response__c$Touchpoint__c</field>',
    );
    expect(messages(dir)).toContain(
      `${TREND}: Survey_Response__c$Touchpoint__c is a Text field: only numbers have a Average`,
    );
  });

  it('refuses a matrix report that does not group across', () => {
    const dir = packageWith(TREND, '<groupingsAcross>', '<groupingsDown>');
    const text = readFileSync(join(dir, TREND), 'utf8').replace(
      '</groupingsAcross>',
      '</groupingsDown>',
    );
    writeFileSync(join(dir, TREND), text);
    expect(messages(dir)).toContain(
      `${TREND}: a Matrix report also groups across (<groupingsAcross>)`,
    );
  });

  it('refuses a report in a folder the package does not define', () => {
    const dir = packageWith(OWNER, '<format>', '<format>');
    rmSync(join(dir, 'reports/Boucle_Reports.reportFolder-meta.xml'));
    expect(messages(dir).join('\n')).toContain(
      'report Boucle_Reports/NPS_by_Owner is in the folder Boucle_Reports, which the package does not define',
    );
  });

  it('refuses a dashboard that would run as a named user, and a chart of a column its report does not summarize', () => {
    const dir = packageWith(
      DASHBOARD,
      '<dashboardType>LoggedInUser</dashboardType>',
      '<dashboardType>SpecifiedUser</dashboardType>',
    );
    expect(messages(dir)).toEqual([
      `${DASHBOARD}: a packaged dashboard runs as the viewer (<dashboardType>LoggedInUser</dashboardType>): it cannot name a subscriber’s user`,
    ]);
    const chart = packageWith(
      DASHBOARD,
      '<column>Callback__c$Reached_In_SLA__c</column>',
      '<column>Callback__c$SLA_Hours__c</column>',
    );
    expect(messages(chart)).toEqual([
      `${DASHBOARD}: Boucle_Reports/Loop_Closure does not summarize Callback__c$SLA_Hours__c`,
    ]);
  });

  it('refuses a dashboard component on a report the package does not ship', () => {
    const dir = packageWith(
      DASHBOARD,
      '<report>Boucle_Reports/NPS_by_Owner</report>',
      '<report>Boucle_Reports/NPS_by_Region</report>',
    );
    expect(messages(dir)).toEqual([
      `${DASHBOARD}: dashboard component on Boucle_Reports/NPS_by_Region, which is not a report of the package`,
    ]);
  });
});
