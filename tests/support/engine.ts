import { join } from 'node:path';
import { ulid } from 'ulid';
import { createCommandService, ensureStandardPipeline } from '../../src/application/commandService.js';
import { newUlid } from '../../src/application/ids.js';
import type { CommandService } from '../../src/application/commandService.js';
import type { HandlerDeps } from '../../src/application/commandHandler.js';
import { createMemoryStore } from '../../src/eventstore/memory.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';

/** A clock the test moves by hand; business time never depends on the machine's clock in tests. */
export function aClock(start = '2026-07-01T09:00:00.000Z') {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (iso: string) => {
      now = new Date(iso);
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

export type TestEngine = { store: EventStore; service: CommandService; clock: ReturnType<typeof aClock>; deps: HandlerDeps };

/** A command service on a real store (sqlite in `dir`, or memory), with the standard pipeline defined. */
export async function anEngine(options: { dir?: string; maxConflictRetries?: number } = {}): Promise<TestEngine> {
  const clock = aClock();
  const store = options.dir ? openSqliteStore({ file: join(options.dir, `${ulid()}.db`), now: clock.now }) : createMemoryStore({ now: clock.now });
  const deps: HandlerDeps = {
    store,
    clock: clock.now,
    newId: newUlid,
    timePolicy: { maxClockSkewMs: 60_000 },
    maxConflictRetries: options.maxConflictRetries ?? 10,
  };
  const service = createCommandService(deps);
  await ensureStandardPipeline(service, store);
  return { store, service, clock, deps };
}

export const as = (actor: string, extra: Record<string, unknown> = {}) => ({ actor, ...extra });

/** The organisation most scenarios start from: a manager, a rep in the north team, a customer. */
export async function aSalesOrg(engine: TestEngine): Promise<void> {
  const { service } = engine;
  await service.rep('mia', { type: 'HireRep', data: { repId: 'mia', name: 'Mia', role: 'manager', email: null } }, as('admin'));
  await service.rep('ann', { type: 'HireRep', data: { repId: 'ann', name: 'Ann', role: 'rep', email: 'ann@example.com' } }, as('admin'));
  await service.team('north', { type: 'FormTeam', data: { teamId: 'north', name: 'North', region: 'north', managerRepId: 'mia' } }, as('admin'));
  await service.rep('ann', { type: 'JoinTeam', data: { teamId: 'north' } }, as('mia'));
  await service.customer('acme', aRegistration('acme', 'Acme AB'), as('ann'));
}

export function aRegistration(customerId: string, name: string) {
  return {
    type: 'RegisterCustomer' as const,
    data: {
      customerId,
      name,
      segment: 'enterprise',
      industry: 'logistics',
      region: 'north',
      acquisitionChannel: 'referral' as const,
      contact: { person: null, email: null, phone: null },
    },
  };
}

export function aLead(dealId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'FindLead' as const,
    data: {
      dealId,
      customerId: 'acme',
      title: 'Fleet renewal',
      ownerRepId: 'ann',
      pipelineId: 'standard',
      channel: 'referral' as const,
      productLine: 'vehicles',
      product: 'van',
      region: 'north',
      estimatedAmount: { amountMinor: 100_000_00, currency: 'EUR' },
      expectedCloseDate: '2026-09-30',
      ...overrides,
    },
  };
}
