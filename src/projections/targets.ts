import { z } from 'zod';
import { scopeKindSchema } from '../domain/target/events.js';
import type { targetSetSchema } from '../domain/target/events.js';
import type { Position } from '../eventstore/port.js';
import { idOf } from './events.js';
import type { Projection } from './projection.js';

export type TargetAdjustment = { at: number; amount: number; previousAmount: number; reason: string; position: Position };

export const targetStatusSchema = z.enum(['active', 'withdrawn']);
/** A target's scope as answers show it (the domain's rules on ids apply when it is set, not when it is read). */
export const targetScopeViewSchema = z.object({ kind: scopeKindSchema, id: z.string().nullable() });

export type TargetRecord = z.infer<typeof targetSetSchema> & {
  status: z.infer<typeof targetStatusSchema>;
  setAt: number;
  setPosition: Position;
  adjustments: TargetAdjustment[];
  withdrawnAt: number | null;
  /** The version of the target's stream this record reflects: the ETag of a target read now. */
  streamVersion: number;
};

export type TargetsState = { targets: Map<string, TargetRecord> };

/** Targets as set, with the history of their adjustments and withdrawal. Progress is a query over it and the sales state. */
export const targetsProjection: Projection<TargetsState> = {
  name: 'targets',
  // 2: records keep their stream's version.
  version: 2,
  eventTypes: ['TargetSet', 'TargetAdjusted', 'TargetWithdrawn'],
  init: () => ({ targets: new Map() }),
  apply(state, event) {
    if (event.type === 'TargetSet') {
      state.targets.set(event.data.targetId, {
        ...event.data,
        status: 'active',
        setAt: event.occurredAt,
        setPosition: event.position,
        adjustments: [],
        withdrawnAt: null,
        streamVersion: event.streamVersion,
      });
      return;
    }
    const target = state.targets.get(idOf(event.streamId));
    if (!target) return;
    target.streamVersion = event.streamVersion;
    if (event.type === 'TargetAdjusted') {
      target.adjustments.push({ at: event.occurredAt, ...event.data, position: event.position });
      target.amount = event.data.amount;
    } else if (event.type === 'TargetWithdrawn') {
      target.status = 'withdrawn';
      target.withdrawnAt = event.occurredAt;
    }
  },
};
