import { z } from 'zod';
import { refuse } from '../errors.js';
import type { DomainErrorCode } from '../errors.js';
import type { Decider } from './decider.js';
import { idSchema, instantSchema } from './schemas.js';

/**
 * A unique value (a customer name, a target's period+metric+scope) is held by one aggregate at a
 * time. Its reservation is a stream of its own, appended with the expected version read, so two
 * concurrent claims cannot both win.
 */
export const reservationEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ReservationTaken'), data: z.object({ holderId: idSchema, value: z.string(), takenAt: instantSchema }) }),
  z.object({ type: z.literal('ReservationReleased'), data: z.object({ holderId: idSchema }) }),
]);
export type ReservationEvent = z.infer<typeof reservationEventSchema>;
export const reservationCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('TakeReservation'), data: z.object({ holderId: idSchema, value: z.string(), takenAt: instantSchema }) }),
  z.object({ type: z.literal('ReleaseReservation'), data: z.object({ holderId: idSchema }) }),
]);
export type ReservationCommand = z.infer<typeof reservationCommandSchema>;
export type ReservationState = { holderId: string | null; takenAt: string | null };

/**
 * A holder is alive when it holds the value in its own stream. One that does not may be in the
 * middle of appending there (it reserves first), so its reservation is only taken over once it is
 * stale: older than `staleAfterMs`. That frees a value whose claimant died between reserving and
 * appending, or let it go (a withdrawn target), without racing a claimant still at work.
 */
export type ReservationContext = { holderActive: boolean; now: Date; staleAfterMs: number };

export const DEFAULT_RESERVATION_STALE_AFTER_MS = 60_000;

export function reservationDecider(
  takenCode: DomainErrorCode,
): Decider<ReservationState, ReservationCommand, ReservationEvent, ReservationContext> {
  return {
    initialState: { holderId: null, takenAt: null },
    evolve: (_state, event) =>
      event.type === 'ReservationTaken' ? { holderId: event.data.holderId, takenAt: event.data.takenAt } : { holderId: null, takenAt: null },
    decide(command, state, context) {
      const { holderId } = command.data;
      if (command.type === 'ReleaseReservation') {
        return state.holderId === holderId ? [{ type: 'ReservationReleased', data: { holderId } }] : [];
      }
      if (state.holderId === holderId) return [];
      if (state.holderId === null) return [{ type: 'ReservationTaken', data: command.data }];
      const age = context.now.getTime() - new Date(state.takenAt ?? 0).getTime();
      if (context.holderActive || age < context.staleAfterMs) return refuse(takenCode, `held by ${state.holderId}`, { holderId: state.holderId });
      return [
        { type: 'ReservationReleased', data: { holderId: state.holderId } },
        { type: 'ReservationTaken', data: command.data },
      ];
    },
  };
}
