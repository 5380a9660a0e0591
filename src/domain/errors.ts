/**
 * Every refusal the domain can give, with a stable code and what it means (STYLE.md §7).
 * docs/errors.md documents each code; a test keeps the two in step. No HTTP status here: the API
 * maps codes to statuses in one place.
 */
export const errorCatalogue = {
  // time and idempotency (every stream)
  OCCURRED_BEFORE_PREVIOUS_EVENT: 'occurredAt is earlier than the previous event of this stream',
  OCCURRED_IN_FUTURE: 'occurredAt lies in the future beyond the allowed clock skew',
  IDEMPOTENCY_KEY_REUSED: 'you already used this idempotency key for a different command on this stream',

  // pipeline
  PIPELINE_ALREADY_DEFINED: 'a pipeline with this id is already defined',
  PIPELINE_NOT_FOUND: 'no pipeline with this id is defined',
  PIPELINE_HAS_NO_STAGES: 'a pipeline needs at least one open stage',
  STAGE_ID_DUPLICATE: 'stage ids must be unique within a pipeline',
  STAGE_ID_RESERVED: '"won" and "lost" are the outcomes every pipeline shares, not stages',
  STAGE_PROBABILITY_OUT_OF_RANGE: 'a stage probability must lie in [0, 1]',
  STAGE_NOT_IN_PIPELINE: "the stage does not belong to the deal's pipeline",
  STAGE_RETIRED: 'the stage is retired and takes no new deals or changes',
  STAGES_ORDER_MISMATCH: 'a new order must list every active stage exactly once',
  LAST_ACTIVE_STAGE: 'the only active stage of a pipeline cannot be retired',

  // deal
  DEAL_ALREADY_EXISTS: 'a deal with this id already exists',
  DEAL_NOT_FOUND: 'no deal with this id exists',
  DEAL_CLOSED: 'the deal is won or lost: only a reopen (or, when won, a contract amount correction) may follow',
  DEAL_NOT_CLOSED: 'only a won or lost deal can be reopened',
  DEAL_NOT_WON: 'only a won deal has a contract amount to correct',
  DEAL_ALREADY_IN_STAGE: 'the deal is already in this stage',
  STAGE_MOVE_BACK_NEEDS_REASON: 'moving a deal back to an earlier stage needs a reason',
  AMOUNT_NOT_POSITIVE: 'the amount must be greater than zero',
  AMOUNT_UNCHANGED: 'the new amount equals the current one',
  EXPECTED_CLOSE_DATE_UNCHANGED: 'the deal is already expected to close on this date',
  FORECAST_CATEGORY_UNCHANGED: 'the deal is already in this forecast category',
  CURRENCY_MISMATCH: "the amount is not in the deal's currency",
  OWNER_NOT_ACTIVE_REP: 'the owner must be a hired rep who has not departed',
  REASSIGN_TO_CURRENT_OWNER: 'the deal is already owned by this rep',
  LOSS_REASON_UNKNOWN: 'the loss reason is not one of the configured reasons',
  DISCOUNT_OUT_OF_RANGE: 'a discount must lie between 0 and 100 percent',
  CUSTOMER_NOT_FOUND: 'no customer with this id is registered',

  // customer
  CUSTOMER_ALREADY_REGISTERED: 'a customer with this id is already registered',
  CUSTOMER_NAME_TAKEN: 'another customer is registered under this name (compared without case and extra spaces)',
  PROFILE_UPDATE_EMPTY: 'a profile update must change at least one field',
  PROFILE_UNCHANGED: 'every field of the profile update already has the value given',
  VISIT_ALREADY_PLANNED: 'a visit with this id is already planned',
  VISIT_NOT_FOUND: 'no visit with this id is planned for this customer',
  VISIT_ALREADY_COMPLETED: 'the visit is already completed',
  SATISFACTION_SCORE_OUT_OF_RANGE: 'a satisfaction score is a whole number from 1 to 5',

  // complaint
  COMPLAINT_ALREADY_RAISED: 'a complaint with this id was already raised',
  COMPLAINT_NOT_FOUND: 'no complaint with this id was raised',
  COMPLAINT_NOT_OPEN: 'the complaint is resolved or closed; reopen it first',
  COMPLAINT_ALREADY_ACKNOWLEDGED: 'the complaint is already acknowledged',
  COMPLAINT_NOT_RESOLVED: 'only a resolved complaint can be closed',
  COMPLAINT_NOT_REOPENABLE: 'only a resolved or closed complaint can be reopened',
  DEAL_OF_OTHER_CUSTOMER: 'the deal named in the complaint belongs to another customer',

  // target
  TARGET_ALREADY_EXISTS: 'a target with this id already exists',
  TARGET_NOT_FOUND: 'no target with this id exists',
  TARGET_ALREADY_SET: 'an active target already exists for this period, metric and scope',
  TARGET_AMOUNT_NOT_POSITIVE: 'a target amount must be a whole number greater than zero',
  TARGET_CURRENCY_REQUIRED: 'a revenue target needs a currency',
  TARGET_CURRENCY_NOT_ALLOWED: 'a count target (wonDeals, newCustomers) has no currency',
  TARGET_SCOPE_ID_REQUIRED: 'every scope but org names what it is for (scope.id)',
  TARGET_SCOPE_ID_NOT_ALLOWED: 'the org scope takes no id',
  PARENT_TARGET_NOT_FOUND: 'the parent target does not exist',
  PARENT_TARGET_WITHDRAWN: 'the parent target is withdrawn',
  TARGET_PERIOD_OUTSIDE_PARENT: "a child target's period must lie within its parent's period",
  TARGET_METRIC_MISMATCH: "a child target must measure its parent's metric (and currency)",
  TARGET_WITHDRAWN: 'the target is withdrawn',

  // sales organisation
  REP_ALREADY_HIRED: 'a rep with this id is already hired',
  REP_NOT_FOUND: 'no rep with this id was hired',
  REP_DEPARTED: 'the rep has departed',
  TEAM_ALREADY_FORMED: 'a team with this id is already formed',
  TEAM_NOT_FOUND: 'no team with this id was formed',
  TEAM_MANAGER_NOT_ACTIVE: "a team's manager must be an active rep",
  REP_ALREADY_IN_TEAM: 'the rep is already a member of this team',
  REP_NOT_IN_TEAM: 'the rep is not a member of a team',
} as const;

export type DomainErrorCode = keyof typeof errorCatalogue;

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    /** What exactly was refused, for people; the code is for programs. */
    readonly detail?: string,
    /** Facts a client may act on, e.g. the id of the customer already holding a name. */
    readonly facts: Record<string, unknown> = {},
  ) {
    super(detail ? `${errorCatalogue[code]}: ${detail}` : errorCatalogue[code]);
    this.name = 'DomainError';
  }
}

export const refuse = (code: DomainErrorCode, detail?: string, facts?: Record<string, unknown>): never => {
  throw new DomainError(code, detail, facts);
};

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
