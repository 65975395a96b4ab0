import type {
  AccountSummary,
  AlertKind,
  CallbackInCrm,
  DissonanceKind,
  ScoreCategory,
  Touchpoint,
} from '@boucle/shared';
import type {
  Answer,
  BusinessHoursSettings,
  DissonanceSettings,
  Rating,
  SurveyPressureSettings,
  ThresholdRule,
} from '@boucle/shared/schemas';
import type { VerbatimAnalysis } from '@boucle/shared/themes';
import type { CrmError } from '../errors.ts';
import type { CallbackLink, Crm, JobKind, StoredCallback } from '../store/store.ts';

/** Who an answer is about in the CRM: the contact, the account, its owner and the owner's manager. */
export interface Resolution {
  readonly contactId?: string;
  readonly accountId?: string;
  readonly ownerId?: string;
  readonly managerId?: string;
}

/**
 * A callback as it stands in the CRM, where managers log it themselves (the Salesforce logger):
 * the sync reads it before acting on a callback so it never overwrites what a manager logged.
 */
export type CrmCallbackState = CallbackInCrm;

/** What `readCallbackTasks` found: states by Boucle id, and the Boucle ids whose task is gone. */
export interface CallbackTasksReadBack {
  readonly states: Map<string, CrmCallbackState>;
  readonly deleted: readonly string[];
}

/**
 * The outcome of writing one record: its CRM id, or a typed error. `unsent` marks a record whose
 * call failed as a whole (an outage, a 429, a lock, a timeout, a network error): that says nothing
 * about the record, which waits without spending an attempt. Only a refusal of the record itself
 * (a per-record error, or a batch narrowed down to it) spends one.
 */
export type RecordResult =
  | { readonly ok: true; readonly crmId: string }
  | { readonly ok: false; readonly error: CrmError; readonly unsent?: boolean };

export interface AnswerWrite {
  readonly ref: string;
  readonly answer: Answer;
  readonly resolution: Resolution;
  readonly category: ScoreCategory;
  /** Themes and sentiment of the comment, computed from it at sync time; none without comment. */
  readonly analysis?: VerbatimAnalysis;
}

export interface RatingWrite {
  readonly ref: string;
  readonly rating: Rating;
  /**
   * The answer of the same interaction, when there is one: a CRM that files the rating beside the
   * answer's contact and company (HubSpot's notes) resolves them from it.
   */
  readonly answer?: Answer;
  readonly answerCrmId?: string;
  readonly employeeId?: string;
  readonly dissonance?: DissonanceKind;
}

/**
 * Ratings employees entered in the CRM itself, changed at or after a cursor: the ratings, the
 * cursor to read from next time, and why records were left out (for the log).
 */
export interface RatingsReadBack {
  readonly ratings: readonly Rating[];
  readonly cursor?: string;
  readonly problems: readonly string[];
}

/**
 * One callback written to one CRM: the callback (Boucle's, shared by every CRM it is written to),
 * its side in that CRM (the key it is upserted by, the assignee there), and results keyed by
 * that side's key.
 */
export interface CallbackWrite {
  readonly callback: StoredCallback;
  readonly link: CallbackLink;
  readonly answerCrmId: string;
  readonly resolution: Resolution;
}

export interface RollupWrite {
  readonly accountId: string;
  readonly summary: AccountSummary;
  readonly lastScore?: number;
  readonly openCallbacks: number;
  readonly now: string;
  /** Each respondent's latest NPS answer, for contact properties (HubSpot). */
  readonly respondents: readonly { email: string; score: number; answeredAt: string }[];
}

/**
 * What an erasure asks of one CRM: the records Boucle wrote there for the person, by Boucle's own
 * keys (found in the CRM by their external id, whatever the store knew of their CRM ids), as the
 * store now holds them (anonymised; absent when deleted), and the person's CRM contacts.
 */
export interface ErasureWrite {
  /** Keep answers and ratings with their scores, anonymised; else delete them. */
  readonly keepStatistics: boolean;
  readonly answers: readonly { readonly ref: string; readonly answer?: Answer }[];
  readonly ratings: readonly { readonly ref: string; readonly rating?: Rating }[];
  /** The person's callbacks in this CRM, already redacted in the store (kept, their notes cleared). */
  readonly callbacks: readonly StoredCallback[];
  /** The person's contact ids in this CRM, whose links from Boucle's records are removed. */
  readonly contactIds: readonly string[];
}

/**
 * What a CRM did with an erasure: how many of its records were deleted or anonymised, and those
 * it refused, with its error. A call that failed as a whole for a reason that may pass (an outage,
 * a limit) throws instead: the erasure waits and runs again, idempotently.
 */
export interface ErasureOutcome {
  readonly erased: number;
  readonly refused: readonly { readonly ref: string; readonly error: CrmError }[];
}

/** Where a norm applies: the whole org today; an owner's, a region's, a touchpoint's later. */
export type NormScope = 'org';

/**
 * A norm the CRM's cards compare an account with, computed by the server from every answer (not
 * from what the viewing user can see), over the same window as the account rollups.
 */
export interface NormWrite {
  /** Boucle's own id of the norm (`org` for the org-wide norm): the upsert key. */
  readonly id: string;
  readonly scope: NormScope;
  /** Whose norm it is within its scope; absent for the org-wide norm. */
  readonly key?: string;
  readonly nps: number | null;
  readonly margin: number | null;
  readonly responses: number;
  readonly windowDays: number;
  readonly now: string;
}

/** Who an escalation or a review is for: `escalationOwner` finds the manager. */
export interface EscalationRequest {
  readonly kind: AlertKind;
  /** The account owner (a Salesforce User id, a HubSpot owner id). */
  readonly ownerId?: string;
  /** The account owner's manager, where the CRM has a hierarchy (Salesforce User.ManagerId). */
  readonly managerId?: string;
  /** The employees the answer rates (who handled the interaction): never the escalation owner. */
  readonly ratedIds: readonly string[];
}

/** One setting in force in a CRM, and where it comes from, for `doctor`. */
export interface SettingInForce {
  readonly setting: string;
  /** What is in force, in a few words. */
  readonly value: string;
  /** Where it comes from: the records or the page it was read from, or the shipped default. */
  readonly source: string;
  /** Why the CRM's own configuration was refused (the last valid setting stays in force). */
  readonly problems: readonly string[];
}

/** The result key of the norm in `writeRollups`' results (never an account id). */
export const NORM_RESULT_KEY = 'norm:org';

/**
 * Everything the sync engine asks of a CRM. One implementation per CRM, the only code that imports
 * its client library; every write is an idempotent upsert keyed by Boucle's own id, and results
 * come back per record so that a failing row never blocks the others.
 */
export interface CrmAdapter {
  readonly crm: Crm;
  /** Jobs claimed per round: what the CRM's batch endpoints take in a handful of calls. */
  readonly batchSize: number;
  /**
   * The records one write call takes (Salesforce Composite: 5 collections of 200; HubSpot: a
   * batch of 100): the round size under a backlog starts there, so that each call is full.
   */
  readonly callSize?: number;
  /**
   * Jobs claimed per round while a full round shows a backlog (a backfill): what the CRM's bulk
   * API takes in one job. None: every round claims `batchSize`.
   */
  readonly backlogBatchSize?: number;
  /** The alert thresholds in force (cached by the adapter). */
  thresholdRules(): Promise<ThresholdRule[]>;
  /** The journey in force in this CRM (cached by the adapter; the last valid one on errors). */
  touchpoints(): Promise<readonly Touchpoint[]>;
  /** The business hours SLAs count in for this CRM's callbacks; none: around the clock. */
  businessHours?(): Promise<BusinessHoursSettings | undefined>;
  /** The dissonance bands ratings are classified with in this CRM (default the shipped ones). */
  dissonanceSettings?(): Promise<DissonanceSettings>;
  /** The survey-pressure caps this CRM's admin configured. */
  surveyPressure?(): Promise<SurveyPressureSettings>;
  /**
   * Who a callback escalates to, and who gets a review assigned to the owner's manager: never one
   * of `ratedIds`. Undefined: nobody configured (the callback stays with its assignee).
   */
  escalationOwner?(request: EscalationRequest): Promise<string | undefined>;
  /** Every setting in force in this CRM and where it comes from, for `doctor`. */
  settingsInForce?(): Promise<SettingInForce[]>;
  /** Resolves the respondents; an answer missing from the map is not in the CRM yet. */
  resolve(answers: readonly { ref: string; answer: Answer }[]): Promise<Map<string, Resolution>>;
  /** CRM user (or owner) ids by e-mail. */
  resolveUsers(emails: readonly string[]): Promise<Map<string, string>>;
  /** The id of a queue by name, for callbacks assigned to a queue. */
  resolveQueue(name: string): Promise<string | undefined>;
  writeAnswers(items: readonly AnswerWrite[]): Promise<Map<string, RecordResult>>;
  writeRatings(items: readonly RatingWrite[]): Promise<Map<string, RecordResult>>;
  writeCallbacks(items: readonly CallbackWrite[]): Promise<Map<string, RecordResult>>;
  /**
   * Writes the account rollups; with `norm`, the org-wide norm too, in the same calls where the CRM
   * can (its result under NORM_RESULT_KEY). A CRM without a norm record ignores it.
   */
  writeRollups(items: readonly RollupWrite[], norm?: NormWrite): Promise<Map<string, RecordResult>>;
  /**
   * The callbacks' state in the CRM, by their sides' keys there (missing when not written yet).
   * Only CRMs where managers log callbacks outside Boucle's API implement it.
   */
  readCallbacks?(keys: readonly string[]): Promise<Map<string, CrmCallbackState>>;
  /**
   * The callbacks' tasks as they stand in the CRM, read by task id (`crmId`), for CRMs where people
   * complete the task itself (HubSpot): the states by Boucle id (only tasks that say something),
   * and the Boucle ids whose task is gone (deleted in the CRM). Throws when the CRM cannot be read.
   */
  readCallbackTasks?(
    tasks: readonly { id: string; crmId: string; reason?: string }[],
  ): Promise<CallbackTasksReadBack>;
  /**
   * Ratings created or changed in the CRM since `since` (exclusive of nothing: records at the
   * cursor come again, and re-reading one is idempotent). Only CRMs where employees rate outside
   * Boucle's API implement it (Salesforce's npsResponseRating).
   */
  readRatings?(since: string | undefined): Promise<RatingsReadBack>;
  /**
   * Erases what Boucle wrote in the CRM for a person (`loop/erasure.ts`): personal fields cleared
   * first, then answers and ratings deleted unless statistics are kept; callbacks kept, redacted.
   * Running it again is harmless: what is already gone counts as erased.
   */
  eraseRecords?(write: ErasureWrite): Promise<ErasureOutcome>;
  /** Reachability and credentials, for `/health` and `doctor`. */
  check(): Promise<{ ok: boolean; detail: string }>;
  /**
   * The daily API allocation as the CRM's last answer reported it (Salesforce: Sforce-Limit-Info;
   * HubSpot: X-HubSpot-RateLimit-Daily), or undefined before any answer that carries it.
   */
  apiBudget?(): ApiBudget | undefined;
  /**
   * Where this CRM shows admins the sync's health (Salesforce's `Sync_Error__c` and
   * `Sync_Status__c`); none: the CRM has no such records (HubSpot shows it on the settings page).
   */
  readonly healthRecords?: SyncHealthInCrm;
}

/** Calls counted against the CRM's daily allocation, and the allocation. */
export interface ApiBudget {
  readonly used: number;
  readonly limit: number;
}

/**
 * The kinds of job that write a CRM record (an outbound delivery writes none; an erasure's
 * outcome, a dead one included, is reported by `GET /v1/erasures/{id}`, not as a sync error).
 */
export type CrmJobKind = Exclude<JobKind, 'delivery' | 'erasure'>;

/** Where a sync error stands for the admin: open, queued again, or written since. */
export type SyncErrorStatus = 'open' | 'replayed' | 'resolved';

/**
 * A record a CRM refused for good (a dead letter), as admins see it in a CRM (Salesforce's
 * `Sync_Error__c`): one per record, keyed by `key` (`crm:kind:ref`), whatever its failures.
 */
export interface SyncErrorWrite {
  /** `crm:kind:ref`: the upsert key, and the result key. */
  readonly key: string;
  readonly crm: Crm;
  readonly kind: CrmJobKind;
  readonly ref: string;
  readonly status: SyncErrorStatus;
  /** The rest is known while the job is dead; a status change alone leaves the fields as they are. */
  readonly jobId?: number;
  readonly object?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly attempts?: number;
  readonly firstFailedAt?: string;
  readonly lastFailedAt?: string;
  /** The affected record's id in the CRM that refused it, when it exists there. */
  readonly recordId?: string;
  readonly resolvedAt?: string;
  /** Clears the admin's replay request (the replay is done). */
  readonly replayDone?: boolean;
}

/** A replay an admin asked for in the CRM, read back from a cursor. */
export interface ReplayRequestsReadBack {
  /** The `crm:kind:ref` keys of the sync errors whose replay was requested. */
  readonly keys: readonly string[];
  readonly cursor?: string;
}

/** How the sync stands for one CRM and one kind of record (Salesforce's `Sync_Status__c`). */
export interface SyncStatusWrite {
  /** `crm:kind`: the upsert key, and the result key. */
  readonly key: string;
  readonly crm: Crm;
  readonly kind: CrmJobKind;
  readonly object: string;
  readonly lastSuccessAt?: string;
  readonly backlog: number;
  readonly deadLetters: number;
  readonly apiCallsToday?: number;
  readonly apiDailyLimit?: number;
  readonly now: string;
}

/**
 * What a CRM that shows the sync's health to its admins implements (Salesforce: `Sync_Error__c`
 * and `Sync_Status__c`, read by the Boucle app's list view and health component).
 */
export interface SyncHealthInCrm {
  /** Upserts sync errors by key; results by key. */
  writeSyncErrors(items: readonly SyncErrorWrite[]): Promise<Map<string, RecordResult>>;
  /** The sync errors an admin asked to replay, changed at or after `since`. */
  readReplayRequests(since: string | undefined): Promise<ReplayRequestsReadBack>;
  /** Upserts the health figures by key; results by key. */
  writeSyncStatus(items: readonly SyncStatusWrite[]): Promise<Map<string, RecordResult>>;
}
