import type { ComplaintCommand } from '../domain/complaint/commands.js';
import type { CustomerCommand } from '../domain/customer/commands.js';
import { normalizeCustomerName } from '../domain/customer/commands.js';
import type { DealCommand } from '../domain/deal/commands.js';
import { DEFAULT_LOSS_REASONS } from '../domain/deal/commands.js';
import type { RepCommand, TeamCommand } from '../domain/organisation/commands.js';
import type { PipelineCommand } from '../domain/pipeline/commands.js';
import { STANDARD_PIPELINE_ID, standardPipeline } from '../domain/pipeline/decider.js';
import { isDomainError } from '../domain/errors.js';
import type { TargetCommand } from '../domain/target/commands.js';
import { DEFAULT_RESERVATION_STALE_AFTER_MS } from '../domain/shared/reservation.js';
import { targetKey } from '../domain/target/decider.js';
import type { EventStore } from '../eventstore/port.js';
import type { Aggregate } from './aggregates.js';
import { complaints, customerNames, customers, deals, pipelines, reps, targetKeys, targets, teams } from './aggregates.js';
import { AggregateCache } from './aggregateCache.js';
import { decideCommand, handleCommand, loadAggregate } from './commandHandler.js';
import type { CommandMetadata, CommandResult, HandlerDeps } from './commandHandler.js';
import { hashedStreamId } from './ids.js';

/** Streams whose fold is kept between commands, the least recently used dropped first: about 1 KB each. */
const DEFAULT_CACHED_STREAMS = 50_000;

export type CommandServiceDeps = HandlerDeps & {
  lossReasons?: readonly string[];
  /** How old a reservation whose holder never appeared must be before another claimant takes it over. */
  reservationStaleAfterMs?: number;
};

/**
 * One entry per aggregate: handles its commands, loading the facts of other streams each needs.
 * Those cross-aggregate checks (the owner is an active rep, the customer exists, the stage
 * belongs to the pipeline) hold at decision time; they are not one transaction with the append.
 */
export function createCommandService(given: CommandServiceDeps) {
  const deps: CommandServiceDeps = { ...given, cache: given.cache ?? new AggregateCache(DEFAULT_CACHED_STREAMS) };
  const lossReasons = deps.lossReasons ?? DEFAULT_LOSS_REASONS;
  const staleAfterMs = deps.reservationStaleAfterMs ?? DEFAULT_RESERVATION_STALE_AFTER_MS;
  const stateOf = async <S, C, E, X>(aggregate: Aggregate<S, C, E, X>, id: string): Promise<S> =>
    (await loadAggregate(deps.store, aggregate, `${aggregate.category}-${id}`)).state;
  const none = async (): Promise<void> => undefined;

  /** Claims `value` for `holderId` in its reservation stream, or refuses with the holder's id; true when this call took it. */
  async function reserve(
    reservations: typeof customerNames,
    value: string,
    holderId: string,
    metadata: CommandMetadata,
    holderActive: (holderId: string) => Promise<boolean>,
  ): Promise<boolean> {
    const id = hashedStreamId(reservations.category, value).slice(reservations.category.length + 1);
    const takeReservation = { type: 'TakeReservation' as const, data: { holderId, value, takenAt: deps.clock().toISOString() } };
    const taken = await handleCommand(deps, reservations, id, takeReservation, withoutKey(metadata), async (state) => ({
      holderActive: state.holderId !== null && (await holderActive(state.holderId)),
      now: deps.clock(),
      staleAfterMs,
    }));
    return taken.events.length > 0;
  }

  /**
   * Runs the command a reservation was taken for; if it fails (it lost the race for its stream to a
   * command it now conflicts with), gives the value back, unless the holder does hold it, which a
   * racing command under the same id and value makes so. Without this, a refused command held the
   * value until the reservation went stale, and other claimants were refused meanwhile.
   */
  async function holding(
    took: boolean,
    reservations: typeof customerNames,
    value: string,
    holderId: string,
    metadata: CommandMetadata,
    holderActive: () => Promise<boolean>,
    command: () => Promise<CommandResult>,
  ): Promise<CommandResult> {
    try {
      return await command();
    } catch (error) {
      // Best effort: if giving it back fails too, the reservation goes stale and is taken over.
      if (took && !(await holderActive().catch(() => true))) await release(reservations, value, holderId, metadata).catch(() => undefined);
      throw error;
    }
  }

  async function release(reservations: typeof customerNames, value: string, holderId: string, metadata: CommandMetadata): Promise<void> {
    const id = hashedStreamId(reservations.category, value).slice(reservations.category.length + 1);
    await handleCommand(deps, reservations, id, { type: 'ReleaseReservation', data: { holderId } }, withoutKey(metadata), async () => ({
      holderActive: true,
      now: deps.clock(),
      staleAfterMs,
    }));
  }

  const customerContext = async (command: CustomerCommand) =>
    command.type === 'PlanFollowUpVisit' ? { rep: await stateOf(reps, command.data.repId) } : {};

  const targetContext = async (command: TargetCommand) =>
    command.type === 'SetTarget' && command.data.parentTargetId !== null ? { parent: await stateOf(targets, command.data.parentTargetId) } : {};

  return {
    pipeline: (id: string, command: PipelineCommand, metadata: CommandMetadata) => handleCommand(deps, pipelines, id, command, metadata, none),

    deal: (id: string, command: DealCommand, metadata: CommandMetadata) =>
      handleCommand(deps, deals, id, command, metadata, async (state) => {
        switch (command.type) {
          case 'FindLead': {
            const [pipeline, rep, customer] = await Promise.all([
              stateOf(pipelines, command.data.pipelineId),
              stateOf(reps, command.data.ownerRepId),
              stateOf(customers, command.data.customerId),
            ]);
            return { pipeline, rep, customer, lossReasons };
          }
          case 'ReassignDeal':
            return { rep: await stateOf(reps, command.data.toRepId), lossReasons };
          case 'MoveDealToStage':
          case 'ReopenDeal':
            return { pipeline: state.status === 'none' ? undefined : await stateOf(pipelines, state.pipelineId), lossReasons };
          default:
            return { lossReasons };
        }
      }),

    /** Registering reserves the normalised name first, so two registrations of one name cannot both win. */
    async customer(id: string, command: CustomerCommand, metadata: CommandMetadata): Promise<CommandResult> {
      const register = () => handleCommand(deps, customers, id, command, metadata, () => customerContext(command));
      if (command.type !== 'RegisterCustomer') return register();
      // Decide first: a registration that would be refused must not hold the name.
      const decision = await decideCommand(deps, customers, `customer-${id}`, command, metadata, () => customerContext(command));
      if ('replay' in decision) return register();
      const name = normalizeCustomerName(command.data.name);
      const holds = async (holderId: string) => {
        const holder = await stateOf(customers, holderId);
        return holder.status === 'registered' && normalizeCustomerName(holder.name) === name;
      };
      const took = await reserve(customerNames, name, id, metadata, holds);
      return holding(took, customerNames, name, id, metadata, () => holds(id), register);
    },

    complaint: (id: string, command: ComplaintCommand, metadata: CommandMetadata) =>
      handleCommand(deps, complaints, id, command, metadata, async () => {
        if (command.type !== 'RaiseComplaint') return {};
        const { customerId, dealId } = command.data;
        const [customer, deal] = await Promise.all([stateOf(customers, customerId), dealId ? stateOf(deals, dealId) : undefined]);
        return { customer, deal };
      }),

    /** One active target per (period, metric, scope): the key is reserved on set and released on withdrawal. */
    async target(id: string, command: TargetCommand, metadata: CommandMetadata): Promise<CommandResult> {
      const apply = () => handleCommand(deps, targets, id, command, metadata, () => targetContext(command));
      if (command.type === 'SetTarget') {
        const decision = await decideCommand(deps, targets, `target-${id}`, command, metadata, () => targetContext(command));
        if ('replay' in decision) return apply();
        const key = targetKey(command.data);
        const holds = async (holderId: string) => {
          const holder = await stateOf(targets, holderId);
          return holder.status === 'active' && targetKey(holder) === key;
        };
        const took = await reserve(targetKeys, key, id, metadata, holds);
        return holding(took, targetKeys, key, id, metadata, () => holds(id), apply);
      }
      const result = await apply();
      if (command.type === 'WithdrawTarget') {
        const withdrawn = await stateOf(targets, id);
        if (withdrawn.status !== 'none') await release(targetKeys, targetKey(withdrawn), id, metadata);
      }
      return result;
    },

    rep: (id: string, command: RepCommand, metadata: CommandMetadata) =>
      handleCommand(deps, reps, id, command, metadata, async () => ({
        team: command.type === 'JoinTeam' ? await stateOf(teams, command.data.teamId) : { status: 'none' as const },
      })),

    team: (id: string, command: TeamCommand, metadata: CommandMetadata) =>
      handleCommand(deps, teams, id, command, metadata, async () => ({ manager: await stateOf(reps, command.data.managerRepId) })),
  };
}

export type CommandService = ReturnType<typeof createCommandService>;

/** A reservation is its own stream: the command's idempotency key belongs to the command's stream. */
function withoutKey(metadata: CommandMetadata): CommandMetadata {
  const { idempotencyKey: _key, expectedVersion: _version, ...rest } = metadata;
  return rest;
}

/** The business time the standard pipeline is defined at: the start of the epoch, before any fact. */
export const STANDARD_PIPELINE_SINCE = '1970-01-01T00:00:00.000Z';

/**
 * The `standard` pipeline of DESIGN.md §1 exists from the first start; later starts find it there.
 * A stream that holds anything is left alone: it may have been defined later in business time (a
 * seeded history) or changed since, and a definition dated before its last event would be refused.
 */
export async function ensureStandardPipeline(service: CommandService, store: EventStore): Promise<void> {
  if ((await store.readStream(`${pipelines.category}-${STANDARD_PIPELINE_ID}`, { limit: 1 })).length > 0) return;
  try {
    // Defined for all of business time: facts entered back-dated (an import of last year's deals) move through its stages, and a read as of their time finds it.
    await service.pipeline(STANDARD_PIPELINE_ID, { type: 'DefinePipeline', data: standardPipeline }, { actor: 'system', occurredAt: STANDARD_PIPELINE_SINCE });
  } catch (error) {
    // Another process defined it first.
    if (!(isDomainError(error) && error.code === 'PIPELINE_ALREADY_DEFINED')) throw error;
  }
}
