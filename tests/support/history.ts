import { standardPipeline } from '../../src/domain/pipeline/decider.js';
import type { DomainEventUnion, ProjectedEvent } from '../../src/projections/events.js';

const category: Record<string, string> = {};
for (const t of ['LeadFound', 'DealMovedToStage', 'ActivityLogged', 'QuoteSent', 'OfferMade', 'EstimatedAmountChanged', 'ExpectedCloseDateChanged', 'ForecastCategorySet', 'DealReassigned', 'ContractSigned', 'ContractAmountCorrected', 'DealLost', 'DealReopened']) category[t] = 'deal';
for (const t of ['CustomerRegistered', 'CustomerProfileUpdated', 'FollowUpVisitPlanned', 'FollowUpVisitCompleted', 'SatisfactionRecorded']) category[t] = 'customer';
for (const t of ['ComplaintRaised', 'ComplaintAcknowledged', 'ComplaintEscalated', 'ComplaintResolved', 'ComplaintClosed', 'ComplaintReopened']) category[t] = 'complaint';
for (const t of ['TargetSet', 'TargetAdjusted', 'TargetWithdrawn']) category[t] = 'target';
for (const t of ['RepHired', 'RepJoinedTeam', 'RepLeftTeam', 'RepDeparted']) category[t] = 'rep';
for (const t of ['PipelineDefined', 'StageAdded', 'StageRenamed', 'StageProbabilityChanged', 'StagesReordered', 'StageRetired']) category[t] = 'pipeline';
category.TeamFormed = 'team';

export const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
export const day = (iso: string): number => Date.parse(iso.length === 10 ? `${iso}T09:00:00.000Z` : iso);

/**
 * Builds a small history by hand, as projections receive it: each event in its stream, at a
 * business time (`on`), recorded then unless `recordedOn` says it was entered later.
 */
export class History {
  readonly events: ProjectedEvent[] = [];
  private readonly versions = new Map<string, number>();

  add(id: string, event: DomainEventUnion, on: string, recordedOn?: string): this {
    const streamId = `${category[event.type] ?? 'x'}-${id}`;
    const version = (this.versions.get(streamId) ?? -1) + 1;
    this.versions.set(streamId, version);
    const position = BigInt(this.events.length + 1);
    this.events.push({
      ...event,
      eventId: `e${position}`,
      streamId,
      streamVersion: version,
      position,
      occurredAt: day(on),
      recordedAt: day(recordedOn ?? on),
      actor: 'test',
      correlationId: `c${position}`,
      causationId: `c${position}`,
    } as ProjectedEvent);
    return this;
  }

  standardPipeline(on = '2026-01-01'): this {
    return this.add('standard', { type: 'PipelineDefined', data: { ...standardPipeline, stages: [...standardPipeline.stages] } }, on);
  }

  rep(repId: string, teamId: string | null, on = '2026-01-01'): this {
    this.add(repId, { type: 'RepHired', data: { repId, name: repId, role: 'rep', email: null } }, on);
    return teamId ? this.add(repId, { type: 'RepJoinedTeam', data: { teamId } }, on) : this;
  }

  customer(customerId: string, on = '2026-01-01', segment = 'enterprise'): this {
    return this.add(
      customerId,
      {
        type: 'CustomerRegistered',
        data: { customerId, name: customerId, segment, industry: 'logistics', region: 'north', acquisitionChannel: 'referral', contact: { person: null, email: null, phone: null } },
      },
      on,
    );
  }

  lead(dealId: string, on: string, options: { owner?: string; customer?: string; amount?: number; region?: string; channel?: 'referral' | 'direct' | 'exhibition'; recordedOn?: string; expectedClose?: string } = {}): this {
    return this.add(
      dealId,
      {
        type: 'LeadFound',
        data: {
          dealId,
          customerId: options.customer ?? 'acme',
          title: dealId,
          ownerRepId: options.owner ?? 'ann',
          pipelineId: 'standard',
          stageId: 'lead',
          channel: options.channel ?? 'referral',
          productLine: 'vans',
          product: 'van',
          region: options.region ?? 'north',
          estimatedAmount: eur(options.amount ?? 100_000),
          expectedCloseDate: options.expectedClose ?? '2026-09-30',
        },
      },
      on,
      options.recordedOn,
    );
  }

  move(dealId: string, from: string, to: string, on: string, reason: string | null = null): this {
    return this.add(dealId, { type: 'DealMovedToStage', data: { fromStageId: from, toStageId: to, reason } }, on);
  }

  sign(dealId: string, amount: number, on: string, stageId = 'negotiation', recordedOn?: string): this {
    return this.add(dealId, { type: 'ContractSigned', data: { amount: eur(amount), contractRef: `C-${dealId}`, stageId } }, on, recordedOn);
  }

  lose(dealId: string, reason: string, stageId: string, on: string): this {
    return this.add(dealId, { type: 'DealLost', data: { reason, detail: null, competitor: null, stageId } }, on);
  }
}
