/** What an alert asks for; each becomes a callback of that kind. */
export const ALERT_KINDS = [
  'detractor_recovery',
  'promoter_thanks',
  'dissonance',
  'account_alert',
] as const;

/** The kind of an alert and of the callback it creates. */
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Who gets the callback: the account owner, the owner's manager (`User.ManagerId`), or a queue. */
export const ASSIGNEE_RULES = ['account_owner', 'owners_manager', 'queue'] as const;

/** How the assignee of a callback is chosen. */
export type AssigneeRule = (typeof ASSIGNEE_RULES)[number];
