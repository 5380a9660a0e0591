import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { ConcurrencyError } from '../../src/eventstore/errors.js';
import { aTempDir } from '../support/tempDir.js';
import { aLead, aSalesOrg, anEngine, as } from '../support/engine.js';

const dir = aTempDir();
const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof DomainError ? error.code : error instanceof ConcurrencyError ? error.code : String(error);
  }
};

describe('command handling on the sqlite store', () => {
  it('records the decided events with their metadata, the store stamping recordedAt', async () => {
    const engine = await anEngine({ dir });
    await aSalesOrg(engine);
    engine.clock.set('2026-07-02T10:00:00.000Z');
    const result = await engine.service.deal('d1', aLead('d1'), as('ann', { occurredAt: '2026-07-01T15:00:00.000Z', correlationId: 'req-7' }));

    expect(result).toMatchObject({ streamId: 'deal-d1', streamVersion: 0, replayed: false, events: [{ type: 'LeadFound' }] });
    const [event] = await engine.store.readStream('deal-d1');
    expect(event?.metadata).toEqual({
      occurredAt: '2026-07-01T15:00:00.000Z',
      recordedAt: '2026-07-02T10:00:00.000Z',
      actor: 'ann',
      correlationId: 'req-7',
      causationId: 'req-7',
      schemaVersion: 1,
    });
    expect(event?.position).toBe(result.position);
    await engine.store.close();
  });

  it('defines the standard pipeline once, whatever the number of starts', async () => {
    const engine = await anEngine({ dir });
    const { ensureStandardPipeline } = await import('../../src/application/commandService.js');
    await ensureStandardPipeline(engine.service, engine.store);
    const stored = await engine.store.readStream('pipeline-standard');
    expect(stored.map((e) => e.type)).toEqual(['PipelineDefined']);
    expect((stored[0]?.data as { stages: { stageId: string }[] }).stages.map((s) => s.stageId)).toEqual(['lead', 'qualified', 'proposal', 'negotiation']);
    await engine.store.close();
  });

  it('given a standard pipeline changed since it was defined, when the engine starts again, then it starts and appends nothing', async () => {
    // A stage added in June 2026: a definition dated 1970 would be before the stream's last event, and refused.
    const engine = await anEngine({ dir });
    const { ensureStandardPipeline } = await import('../../src/application/commandService.js');
    await engine.service.pipeline('standard', { type: 'AddStage', data: { stage: { stageId: 'demo', name: 'Demo', probability: 0.4 }, beforeStageId: 'proposal' } }, as('maria', { occurredAt: '2026-06-01T10:00:00.000Z' }));
    const before = await engine.store.readStream('pipeline-standard');

    await ensureStandardPipeline(engine.service, engine.store);

    expect(await engine.store.readStream('pipeline-standard')).toEqual(before);
    await engine.store.close();
  });

  it('appends nothing when a command is refused', async () => {
    const engine = await anEngine({ dir });
    await aSalesOrg(engine);
    const before = (await engine.store.readAll({ limit: 10_000 })).length;
    expect(await codeOf(engine.service.deal('d1', aLead('d1', { ownerRepId: 'nobody' }), as('ann')))).toBe('OWNER_NOT_ACTIVE_REP');
    expect(await codeOf(engine.service.deal('d1', aLead('d1', { customerId: 'ghost' }), as('ann')))).toBe('CUSTOMER_NOT_FOUND');
    expect(await codeOf(engine.service.deal('d1', aLead('d1', { pipelineId: 'ghost' }), as('ann')))).toBe('PIPELINE_NOT_FOUND');
    expect((await engine.store.readAll({ limit: 10_000 })).length).toBe(before);
    await engine.store.close();
  });

  describe('business time', () => {
    it('refuses a fact before the previous event of the stream, and one too far in the future', async () => {
      const engine = await anEngine({ dir });
      await aSalesOrg(engine);
      await engine.service.deal('d1', aLead('d1'), as('ann', { occurredAt: '2026-06-30T09:00:00.000Z' }));
      const move = { type: 'MoveDealToStage' as const, data: { stageId: 'proposal', reason: null } };
      expect(await codeOf(engine.service.deal('d1', move, as('ann', { occurredAt: '2026-06-29T09:00:00.000Z' })))).toBe(
        'OCCURRED_BEFORE_PREVIOUS_EVENT',
      );
      expect(await codeOf(engine.service.deal('d1', move, as('ann', { occurredAt: '2026-07-01T09:05:00.000Z' })))).toBe('OCCURRED_IN_FUTURE');
      expect(await codeOf(engine.service.deal('d1', move, as('ann', { occurredAt: '2026-07-01T09:00:30.000Z' })))).toBe('accepted');
      await engine.store.close();
    });
  });

  describe('idempotency keys', () => {
    it('answers a retry with the first result and appends nothing', async () => {
      const engine = await anEngine({ dir });
      await aSalesOrg(engine);
      const first = await engine.service.deal('d1', aLead('d1'), as('ann', { idempotencyKey: 'k-1' }));
      engine.clock.advance(5_000);
      const retry = await engine.service.deal('d1', aLead('d1'), as('ann', { idempotencyKey: 'k-1' }));
      expect(retry).toEqual({ ...first, replayed: true });
      expect(await engine.store.readStream('deal-d1')).toHaveLength(1);
      await engine.store.close();
    });

    it('stores a command retried concurrently once, with the same event ids for both callers', async () => {
      const engine = await anEngine({ dir });
      await aSalesOrg(engine);
      await engine.service.deal('d1', aLead('d1'), as('ann'));
      const offer = { type: 'MakeOffer' as const, data: { by: 'us' as const, amount: { amountMinor: 90_000_00, currency: 'EUR' }, discountPercent: 10, terms: null } };
      const [a, b] = await Promise.all([
        engine.service.deal('d1', offer, as('ann', { idempotencyKey: 'offer-1' })),
        engine.service.deal('d1', offer, as('ann', { idempotencyKey: 'offer-1' })),
      ]);
      expect(a.events).toEqual(b.events);
      // one of them wrote; the other is told its events were stored already
      expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
      expect((await engine.store.readStream('deal-d1')).map((e) => e.type)).toEqual(['LeadFound', 'OfferMade']);
      await engine.store.close();
    });

    it('lets only the first of two different commands racing under one key through; the other is refused', async () => {
      const engine = await anEngine({ dir });
      await aSalesOrg(engine);
      await engine.service.deal('d1', aLead('d1'), as('ann'));
      const commit = { type: 'SetForecastCategory' as const, data: { category: 'commit' as const } };
      const bestCase = { type: 'SetForecastCategory' as const, data: { category: 'bestCase' as const } };
      const outcomes = await Promise.allSettled([
        engine.service.deal('d1', commit, as('ann', { idempotencyKey: 'same' })),
        engine.service.deal('d1', bestCase, as('ann', { idempotencyKey: 'same' })),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect((await engine.store.readStream('deal-d1')).filter((e) => e.type === 'ForecastCategorySet')).toHaveLength(1);
      await engine.store.close();
    });

    it('refuses a different command under a key already used on the stream', async () => {
      const engine = await anEngine({ dir });
      await aSalesOrg(engine);
      await engine.service.deal('d1', aLead('d1'), as('ann', { idempotencyKey: 'k-1' }));
      const other = { type: 'SetForecastCategory' as const, data: { category: 'commit' as const } };
      expect(await codeOf(engine.service.deal('d1', other, as('ann', { idempotencyKey: 'k-1' })))).toBe('IDEMPOTENCY_KEY_REUSED');
      await engine.store.close();
    });

    it('takes the business time as part of the command: a retry of a contract as of another day is refused, the same instant written otherwise is a retry', async () => {
      // given a lead, signed as of 31 March under a key
      const engine = await anEngine({ dir });
      await aSalesOrg(engine);
      await engine.service.deal('d1', aLead('d1'), as('ann', { occurredAt: '2025-02-01T00:00:00Z' }));
      const sign = { type: 'SignContract' as const, data: { amount: { amountMinor: 90_000_00, currency: 'EUR' }, contractRef: 'K-1' } };
      const first = await engine.service.deal('d1', sign, as('ann', { idempotencyKey: 's-1', occurredAt: '2025-03-31T10:00:00Z' }));
      // when it is sent again as of 1 April (another quarter), or with no business time (now)
      // then each is another command under a used key, and refused
      expect(await codeOf(engine.service.deal('d1', sign, as('ann', { idempotencyKey: 's-1', occurredAt: '2025-04-01T10:00:00Z' })))).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await codeOf(engine.service.deal('d1', sign, as('ann', { idempotencyKey: 's-1' })))).toBe('IDEMPOTENCY_KEY_REUSED');
      // and the same instant in another offset is the retry it is: the first answer, nothing appended
      const retry = await engine.service.deal('d1', sign, as('ann', { idempotencyKey: 's-1', occurredAt: '2025-03-31T12:00:00+02:00' }));
      expect(retry).toMatchObject({ replayed: true, streamVersion: first.streamVersion, events: first.events });
      expect(await engine.store.readStream('deal-d1')).toHaveLength(2);
      await engine.store.close();
    });
  });

  describe('concurrency', () => {
    it('10 parallel handlers on one deal never lose an update', async () => {
      const engine = await anEngine({ dir });
      await aSalesOrg(engine);
      await engine.service.deal('d1', aLead('d1'), as('ann'));
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          engine.service.deal('d1', { type: 'LogActivity', data: { kind: 'call', summary: `call ${i}`, contactPerson: null } }, as('ann')),
        ),
      );
      const summaries = (await engine.store.readStream('deal-d1')).filter((e) => e.type === 'ActivityLogged').map((e) => e.data.summary);
      expect(summaries.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `call ${i}`).sort());
      await engine.store.close();
    });

    it('surfaces the conflict once the retries are spent', async () => {
      const engine = await anEngine({ dir, maxConflictRetries: 0 });
      await aSalesOrg(engine);
      await engine.service.deal('d1', aLead('d1'), as('ann'));
      const log = (i: number) => engine.service.deal('d1', { type: 'LogActivity', data: { kind: 'note', summary: `n${i}`, contactPerson: null } }, as('ann'));
      const outcomes = await Promise.allSettled([log(1), log(2), log(3)]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
      }
      await engine.store.close();
    });

    it('applies a conditional command only at the expected version (If-Match), without retrying', async () => {
      const engine = await anEngine({ dir });
      await aSalesOrg(engine);
      await engine.service.deal('d1', aLead('d1'), as('ann'));
      const commit = { type: 'SetForecastCategory' as const, data: { category: 'commit' as const } };
      expect(await codeOf(engine.service.deal('d1', commit, as('ann', { expectedVersion: 3 })))).toBe('STREAM_VERSION_CONFLICT');
      expect(await codeOf(engine.service.deal('d1', commit, as('ann', { expectedVersion: 0 })))).toBe('accepted');
      await engine.store.close();
    });

    it('takes several versions, any of which will do, and "exists" (If-Match: *), which an absent stream does not meet', async () => {
      const engine = await anEngine({ dir });
      await aSalesOrg(engine);
      const commit = { type: 'SetForecastCategory' as const, data: { category: 'commit' as const } };
      expect(await codeOf(engine.service.deal('d1', commit, as('ann', { expectedVersion: 'exists' })))).toBe('STREAM_VERSION_CONFLICT');
      expect(await codeOf(engine.service.deal('d1', aLead('d1'), as('ann', { expectedVersion: 'exists' })))).toBe('STREAM_VERSION_CONFLICT');
      expect(await engine.store.readStream('deal-d1')).toEqual([]);
      await engine.service.deal('d1', aLead('d1'), as('ann'));
      expect(await codeOf(engine.service.deal('d1', commit, as('ann', { expectedVersion: [2, 3] })))).toBe('STREAM_VERSION_CONFLICT');
      expect(await codeOf(engine.service.deal('d1', commit, as('ann', { expectedVersion: [2, 0] })))).toBe('accepted');
      expect(await codeOf(engine.service.deal('d1', { type: 'SetForecastCategory', data: { category: 'bestCase' } }, as('ann', { expectedVersion: 'exists' })))).toBe('accepted');
      await engine.store.close();
    });

    it('decides "exists" again after losing a race for the version: two writers that both need only the stream to exist both succeed', async () => {
      const engine = await anEngine({ dir });
      await aSalesOrg(engine);
      await engine.service.deal('d1', aLead('d1'), as('ann'));
      const [first, second] = await Promise.all(
        (['commit', 'bestCase'] as const).map((category) => codeOf(engine.service.deal('d1', { type: 'SetForecastCategory', data: { category } }, as('ann', { expectedVersion: 'exists' })))),
      );
      expect([first, second]).toEqual(['accepted', 'accepted']);
      expect((await engine.store.readStream('deal-d1')).map((e) => e.type)).toEqual(['LeadFound', 'ForecastCategorySet', 'ForecastCategorySet']);
      await engine.store.close();
    });
  });

  describe('unique customer names', () => {
    it('refuses a name already registered, compared without case or extra space, naming the holder', async () => {
      const engine = await anEngine({ dir });
      await aSalesOrg(engine);
      const { aRegistration } = await import('../support/engine.js');
      const refusal = engine.service.customer('acme2', aRegistration('acme2', '  ACME   ab '), as('ann'));
      await expect(refusal).rejects.toMatchObject({ code: 'CUSTOMER_NAME_TAKEN', facts: { holderId: 'acme' } });
      expect(await engine.store.readStream('customer-acme2')).toEqual([]);
      await engine.store.close();
    });

    it('lets only one of two concurrent registrations of a name win', async () => {
      const engine = await anEngine({ dir });
      const { aRegistration } = await import('../support/engine.js');
      const outcomes = await Promise.allSettled(
        ['c1', 'c2', 'c3', 'c4'].map((id) => engine.service.customer(id, aRegistration(id, 'Globex'), as('ann'))),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const registered = (await engine.store.readAll({ filter: { categories: ['customer'] } })).map((e) => e.streamId);
      expect(registered).toHaveLength(1);
      await engine.store.close();
    });

    it('gives back at once the names of registrations that lost the race for their id, and keeps the winner\'s', async () => {
      // given six concurrent registrations of one id, each under a name of its own
      const engine = await anEngine({ dir });
      const { aRegistration } = await import('../support/engine.js');
      const names = ['Hooli', 'Pied Piper', 'Aviato', 'Raviga', 'Bachmanity', 'Endframe'];
      const outcomes = await Promise.allSettled(names.map((name) => engine.service.customer('racer', aRegistration('racer', name), as('ann'))));
      // when one has won
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const [winner] = names.filter((_, i) => outcomes[i]?.status === 'fulfilled');
      // then every other name is free for another customer now, not once its reservation is stale
      for (const name of names.filter((n) => n !== winner)) {
        const id = `c-${name.replace(/\W/g, '')}`;
        await expect(engine.service.customer(id, aRegistration(id, name), as('ann')), name).resolves.toMatchObject({ streamVersion: 0 });
      }
      // and the winner's name is still its own
      await expect(engine.service.customer('copycat', aRegistration('copycat', winner ?? ''), as('ann'))).rejects.toMatchObject({ code: 'CUSTOMER_NAME_TAKEN', facts: { holderId: 'racer' } });
      await engine.store.close();
    });

    it('keeps the name when the registration that took it lost the race to the same registration', async () => {
      // given two concurrent registrations of one id under one name, without idempotency keys
      const engine = await anEngine({ dir });
      const { aRegistration } = await import('../support/engine.js');
      const outcomes = await Promise.allSettled([1, 2].map(() => engine.service.customer('twin', aRegistration('twin', 'Vandelay'), as('ann'))));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      // then whichever of them took the reservation, the registered customer holds its name
      await expect(engine.service.customer('other', aRegistration('other', 'Vandelay'), as('ann'))).rejects.toMatchObject({ code: 'CUSTOMER_NAME_TAKEN', facts: { holderId: 'twin' } });
      await engine.store.close();
    });

    it('takes over a name whose reservation outlived a registration that never happened', async () => {
      const engine = await anEngine({ dir });
      const { aRegistration } = await import('../support/engine.js');
      const { customerNames } = await import('../../src/application/aggregates.js');
      const { handleCommand } = await import('../../src/application/commandHandler.js');
      const { hashedStreamId } = await import('../../src/application/ids.js');
      // given a process that reserved "Initech" for c-ghost and died before registering it
      const id = hashedStreamId('customerName', 'initech').slice('customerName-'.length);
      const takenAt = engine.clock.now().toISOString();
      const ghost = { type: 'TakeReservation' as const, data: { holderId: 'c-ghost', value: 'initech', takenAt } };
      await handleCommand(engine.deps, customerNames, id, ghost, as('ann'), async () => ({ holderActive: false, now: engine.clock.now(), staleAfterMs: 60_000 }));
      // when another registers the name a moment later, it is still held: the ghost may be at work
      await expect(engine.service.customer('c-real', aRegistration('c-real', 'Initech'), as('ann'))).rejects.toMatchObject({ code: 'CUSTOMER_NAME_TAKEN' });
      // and once the reservation is stale, the name is taken over and registered
      engine.clock.advance(61_000);
      await engine.service.customer('c-real', aRegistration('c-real', 'Initech'), as('ann'));
      expect(await engine.store.readStream('customer-c-real')).toHaveLength(1);
      await engine.store.close();
    });
  });

  describe('one active target per period, metric and scope', () => {
    const target = (targetId: string) => ({
      type: 'SetTarget' as const,
      data: { targetId, period: '2026-Q3', metric: 'wonDeals' as const, scope: { kind: 'team' as const, id: 'north' }, amount: 12, currency: null, parentTargetId: null },
    });

    it('refuses a second active target, and accepts one after the first is withdrawn', async () => {
      const engine = await anEngine({ dir });
      await engine.service.target('t1', target('t1'), as('mia'));
      await expect(engine.service.target('t2', target('t2'), as('mia'))).rejects.toMatchObject({ code: 'TARGET_ALREADY_SET', facts: { holderId: 't1' } });
      await engine.service.target('t1', { type: 'WithdrawTarget', data: { reason: 'split by rep instead' } }, as('mia'));
      await expect(engine.service.target('t2', target('t2'), as('mia'))).resolves.toMatchObject({ streamVersion: 0 });
      await engine.store.close();
    });

    it('lets only one of concurrent targets for the same key win', async () => {
      const engine = await anEngine({ dir });
      const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((id) => engine.service.target(id, target(id), as('mia'))));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      await engine.store.close();
    });

    it('gives back at once the keys of targets that lost the race for their id', async () => {
      // given three concurrent settings of one target id, each for a team of its own
      const engine = await anEngine({ dir });
      const forTeam = (targetId: string, team: string) => ({ ...target(targetId), data: { ...target(targetId).data, scope: { kind: 'team' as const, id: team } } });
      const teams = ['north', 'south', 'east'];
      const outcomes = await Promise.allSettled(teams.map((team) => engine.service.target('racer', forTeam('racer', team), as('mia'))));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      // then the teams of the refused ones can have their target now
      for (const team of teams.filter((_, i) => outcomes[i]?.status === 'rejected')) {
        await expect(engine.service.target(`t-${team}`, forTeam(`t-${team}`, team), as('mia')), team).resolves.toMatchObject({ streamVersion: 0 });
      }
      await engine.store.close();
    });

    it('does not hold the key for a target that was refused', async () => {
      const engine = await anEngine({ dir });
      const invalid = { ...target('bad'), data: { ...target('bad').data, amount: 0 } };
      await expect(engine.service.target('bad', invalid, as('mia'))).rejects.toMatchObject({ code: 'TARGET_AMOUNT_NOT_POSITIVE' });
      await expect(engine.service.target('good', target('good'), as('mia'))).resolves.toBeDefined();
      await engine.store.close();
    });
  });
});
