import { z } from 'zod';
import { refuse } from '../errors.js';
import type { DomainErrorCode } from '../errors.js';
import type { Decider } from './decider.js';
import { idSchema } from './schemas.js';

/**
 * A unique value (a customer name, a target's period+metric+scope) is held by one aggregate at a
 * time. Its reservation is a stream of its own, appended with the expected version read, so two
 * concurrent claims cannot both win.
 */
export const reservationEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ReservationTaken'), data: z.object({ holderId: idSchema, value: z.string() }) }),
  z.object({ type: z.literal('ReservationReleased'), data: z.object({ holderId: idSchema }) }),
]);
export type ReservationEvent = z.infer<typeof reservationEventSchema>;
export const reservationCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('TakeReservation'), data: z.object({ holderId: idSchema, value: z.string() }) }),
  z.object({ type: z.literal('ReleaseReservation'), data: z.object({ holderId: idSchema }) }),
]);
export type ReservationCommand = z.infer<typeof reservationCommandSchema>;
export type ReservationState = { holderId: string | null };

/**
 * Whether the current holder still holds the value in its own stream. A holder that never came
 * to exist (its process died between reserving and appending) or let the value go (a withdrawn
 * target) is no holder: its reservation is released and taken over.
 */
export type ReservationContext = { holderActive: boolean };

export function reservationDecider(
  takenCode: DomainErrorCode,
): Decider<ReservationState, ReservationCommand, ReservationEvent, ReservationContext> {
  return {
    initialState: { holderId: null },
    evolve: (_state, event) => ({ holderId: event.type === 'ReservationTaken' ? event.data.holderId : null }),
    decide(command, state, context) {
      const { holderId } = command.data;
      if (command.type === 'ReleaseReservation') {
        return state.holderId === holderId ? [{ type: 'ReservationReleased', data: { holderId } }] : [];
      }
      if (state.holderId === holderId) return [];
      if (state.holderId === null) return [{ type: 'ReservationTaken', data: command.data }];
      if (context.holderActive) return refuse(takenCode, `held by ${state.holderId}`, { holderId: state.holderId });
      return [
        { type: 'ReservationReleased', data: { holderId: state.holderId } },
        { type: 'ReservationTaken', data: command.data },
      ];
    },
  };
}
