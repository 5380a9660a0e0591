import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deals } from '../../src/application/aggregates.js';
import { loadAggregate } from '../../src/application/commandHandler.js';
import { dealDecider } from '../../src/domain/deal/decider.js';
import type { DealState } from '../../src/domain/deal/decider.js';
import type { DealEvent } from '../../src/domain/deal/events.js';
import { DomainError } from '../../src/domain/errors.js';
import { dealCommandArbitrary } from '../support/dealCommands.js';
import { aLead, aSalesOrg, anEngine, as } from '../support/engine.js';
import { aTempDir } from '../support/tempDir.js';

const dir = aTempDir();

describe('command handling over random sequences, through a real store', () => {
  it.each([
    ['memory', undefined, 60],
    ['sqlite', dir, 15],
  ] as const)('on %s: the state replayed from the stored events is the state the decisions built', async (_name, storeDir, numRuns) => {
    await fc.assert(
      fc.asyncProperty(fc.array(dealCommandArbitrary, { maxLength: 25 }), async (commands) => {
        const engine = await anEngine({ dir: storeDir });
        await aSalesOrg(engine);
        await engine.service.rep('bo', { type: 'HireRep', data: { repId: 'bo', name: 'Bo', role: 'rep', email: null } }, as('admin'));
        await engine.service.deal('d1', aLead('d1'), as('ann'));
        let built: DealState = (await loadAggregate(engine.store, deals, 'deal-d1')).state;
        for (const command of commands) {
          engine.clock.advance(60_000);
          try {
            const result = await engine.service.deal('d1', command, as('ann'));
            // fold what this command recorded onto what we had: the handler's view of the deal
            const stored = await engine.store.readStream('deal-d1', { from: (result.streamVersion ?? 0) - result.events.length + 1 });
            built = stored.map((e) => ({ type: e.type, data: e.data }) as DealEvent).reduce(dealDecider.evolve, built);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
          }
        }
        expect((await loadAggregate(engine.store, deals, 'deal-d1')).state).toEqual(built);
        await engine.store.close();
      }),
      { numRuns },
    );
  });
});

describe('old event versions, stored as they were written', () => {
  it('replay to the same state as the current version and take new commands', async () => {
    const { readFileSync } = await import('node:fs');
    const { customers } = await import('../../src/application/aggregates.js');
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/customerRegistered.v1.json', import.meta.url), 'utf8')) as {
      streamId: string;
      event: { eventId: string; type: string; data: Record<string, unknown>; metadata: { occurredAt: string; actor: string; correlationId: string; causationId: string; schemaVersion: number } };
      expectedCurrent: Record<string, unknown>;
    };
    const engine = await anEngine({ dir });
    // given the v1 event in one stream and its v2 equivalent in another
    await engine.store.appendToStream(fixture.streamId, [fixture.event], { expectedVersion: 'noStream' });
    const { ulid } = await import('ulid');
    await engine.store.appendToStream(
      'customer-current',
      [{ eventId: ulid(), type: 'CustomerRegistered', data: fixture.expectedCurrent, metadata: { ...fixture.event.metadata, schemaVersion: 2 } }],
      { expectedVersion: 'noStream' },
    );
    // then both read as the same state
    const old = await loadAggregate(engine.store, customers, fixture.streamId);
    const current = await loadAggregate(engine.store, customers, 'customer-current');
    expect(old.state).toEqual(current.state);
    // and the old one goes on living: the stored v1 payload is untouched
    const id = fixture.streamId.slice('customer-'.length);
    await engine.service.customer(id, { type: 'RecordSatisfaction', data: { score: 5, source: 'survey', comment: null } }, as('ann'));
    const [stored] = await engine.store.readStream(fixture.streamId);
    expect(stored?.data).toEqual(fixture.event.data);
    expect(stored?.metadata.schemaVersion).toBe(1);
    await engine.store.close();
  });
});
