import { describe, expect, it } from 'vitest';
import { complaintEventSchema } from '../../src/domain/complaint/events.js';
import { customerEventSchema } from '../../src/domain/customer/events.js';
import { dealDecider } from '../../src/domain/deal/decider.js';
import type { DealState } from '../../src/domain/deal/decider.js';
import { dealEventSchema } from '../../src/domain/deal/events.js';
import { repEventSchema, teamEventSchema } from '../../src/domain/organisation/events.js';
import { pipelineEventSchema } from '../../src/domain/pipeline/events.js';
import { targetKey } from '../../src/domain/target/decider.js';
import { targetEventSchema } from '../../src/domain/target/events.js';
import { generateHistory } from '../../src/generate/history.js';

const schemas: Record<string, { parse: (v: unknown) => unknown }> = {
  deal: dealEventSchema,
  customer: customerEventSchema,
  complaint: complaintEventSchema,
  target: targetEventSchema,
  rep: repEventSchema,
  team: teamEventSchema,
  pipeline: pipelineEventSchema,
};

describe('generated histories', () => {
  const history = generateHistory({ seed: 7, events: 20_000 });

  it('are deterministic: the same seed gives the same history', () => {
    expect(generateHistory({ seed: 7, events: 2_000 })).toEqual(generateHistory({ seed: 7, events: 2_000 }));
    expect(generateHistory({ seed: 8, events: 2_000 })).not.toEqual(generateHistory({ seed: 7, events: 2_000 }));
  });

  it('come close to the size asked for', () => {
    expect(history.length).toBeGreaterThan(14_000);
    expect(history.length).toBeLessThan(28_000);
  });

  it('hold only events that pass their schemas', () => {
    for (const planned of history) schemas[planned.streamId.split('-')[0] ?? '']?.parse(planned.event);
  });

  it('keep business time in order within each stream, and record nothing before it happened', () => {
    const last = new Map<string, number>();
    for (const { streamId, occurredAt, recordedAt } of history) {
      expect(occurredAt).toBeGreaterThanOrEqual(last.get(streamId) ?? 0);
      expect(recordedAt).toBeGreaterThanOrEqual(occurredAt);
      last.set(streamId, occurredAt);
    }
    for (let i = 1; i < history.length; i++) expect(history[i]!.recordedAt).toBeGreaterThanOrEqual(history[i - 1]!.recordedAt);
  });

  it('change closed deals only by reopening or correcting the contract', () => {
    const deals = new Map<string, DealState>();
    for (const { streamId, event } of history) {
      if (!streamId.startsWith('deal-')) continue;
      const before = deals.get(streamId) ?? dealDecider.initialState;
      if (before.status === 'won' || before.status === 'lost') expect(['DealReopened', 'ContractAmountCorrected']).toContain(event.type);
      deals.set(streamId, dealDecider.evolve(before, event as never));
    }
  });

  it('set one target per period, metric and scope, over years too', () => {
    for (const h of [history, generateHistory({ seed: 3, events: 150_000 })]) {
      const keys = h.flatMap((p) => (p.event.type === 'TargetSet' ? [targetKey(p.event.data)] : []));
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.length).toBeGreaterThan(3);
    }
  });

  it('have the texture of real sales: wins and losses, skips, rounds, late entries, complaints', () => {
    const count = (type: string) => history.filter((p) => p.event.type === type).length;
    const leads = count('LeadFound');
    expect(count('ContractSigned') / leads).toBeGreaterThan(0.05);
    expect(count('DealLost') / leads).toBeGreaterThan(0.3);
    expect(history.some((p) => p.event.type === 'DealMovedToStage' && p.event.data.fromStageId === 'lead' && p.event.data.toStageId === 'proposal')).toBe(true);
    expect(history.some((p) => p.event.type === 'OfferMade' && p.event.data.round >= 3)).toBe(true);
    expect(history.filter((p) => p.recordedAt - p.occurredAt > 86_400_000).length).toBeGreaterThan(50);
    for (const type of ['DealReassigned', 'ContractAmountCorrected', 'DealReopened', 'ComplaintReopened', 'TargetAdjusted', 'RepLeftTeam', 'SatisfactionRecorded']) {
      expect(count(type), type).toBeGreaterThan(0);
    }
  });
});
