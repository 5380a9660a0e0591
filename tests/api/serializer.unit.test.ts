import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { dealPageSchema, dealViewSchema } from '../../src/api/views/deal.js';
import { commandResultSchema } from '../../src/api/commandRoutes.js';
import { responseSerializer } from '../../src/api/serializer.js';

type DealView = z.infer<typeof dealViewSchema>;

const serializerFor = (schema: unknown) => responseSerializer({ schema, method: 'GET', url: '/deals/:id', httpStatus: '200' } as Parameters<typeof responseSerializer>[0]);

const won: DealView = {
  dealId: 'd1',
  streamVersion: 6,
  title: 'Fleet "renewal" \u2014 Ümlaut\n',
  customerId: 'c1',
  pipelineId: 'standard',
  stageId: 'won',
  status: 'won',
  ownerRepId: 'ann',
  team: null,
  region: 'north',
  productLine: 'trucks',
  product: 'standard',
  channel: 'direct',
  estimatedAmount: { amountMinor: 500_000, currency: 'EUR' },
  contractAmount: { amountMinor: 480_000, currency: 'EUR' },
  expectedCloseDate: '2026-03-01',
  forecastCategory: 'commit',
  leadFoundAt: '2026-01-01T00:00:00.000Z',
  closedAt: '2026-02-01T00:00:00.000Z',
  lostReason: null,
  competitor: null,
  offers: 2,
  reopened: 0,
  stageHistory: [
    { stageId: 'lead', enteredAt: '2026-01-01T00:00:00.000Z', position: '1' },
    { stageId: 'won', enteredAt: '2026-02-01T00:00:00.000Z', position: '9007199254740993' },
  ],
};

describe('the deal view serializer, compiled from its schema', () => {
  it('writes what JSON.stringify writes, escapes and nulls included', () => {
    // given a deal view with text to escape, nulls and a contract
    const serialize = serializerFor(dealViewSchema);
    // then the answer is JSON.stringify's, and a page of them too
    expect(serialize(won)).toBe(JSON.stringify(won));
    const open = { ...won, status: 'open' as const, contractAmount: null, closedAt: null, stageHistory: [] };
    expect(serialize(open)).toBe(JSON.stringify(open));
    const page = { items: [won, open], nextCursor: null };
    expect(serializerFor(dealPageSchema)(page)).toBe(JSON.stringify(page));
  });

  it('refuses to send a view without a field the schema requires', () => {
    // given a view that lost its id (the view function's type forbids it; this is the run-time net)
    const { dealId: _dropped, ...withoutId } = won;
    // then serializing it throws, so the request fails instead of answering a malformed deal
    expect(() => serializerFor(dealViewSchema)(withoutId)).toThrow(/dealId/);
  });
});

describe('the command answer serializer, compiled from its schema', () => {
  const answer = { id: 'd1', streamVersion: 7, position: '9007199254740993', events: [{ eventId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', type: 'OfferMade' }], replayed: false };

  it('writes what JSON.stringify writes, for a write and for a no-op', () => {
    // given the answer of a write, and that of a command on a stream that still does not exist
    const serialize = serializerFor(commandResultSchema);
    // then each is written as JSON.stringify writes it
    expect(serialize(answer)).toBe(JSON.stringify(answer));
    const none = { ...answer, streamVersion: null, position: null, events: [], replayed: true };
    expect(serialize(none)).toBe(JSON.stringify(none));
  });

  it('refuses to send an answer without its position', () => {
    // given an answer that lost a field the schema requires
    const { position: _dropped, ...withoutPosition } = answer;
    // then serializing it throws, so the request fails instead of answering without it
    expect(() => serializerFor(commandResultSchema)(withoutPosition)).toThrow(/position/);
  });
});
