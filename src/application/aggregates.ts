import type { z } from 'zod';
import { complaintDecider } from '../domain/complaint/decider.js';
import { complaintEventSchema } from '../domain/complaint/events.js';
import { customerDecider } from '../domain/customer/decider.js';
import { customerEventSchema } from '../domain/customer/events.js';
import { dealDecider } from '../domain/deal/decider.js';
import { dealEventSchema } from '../domain/deal/events.js';
import { repDecider, teamDecider } from '../domain/organisation/decider.js';
import { repEventSchema, teamEventSchema } from '../domain/organisation/events.js';
import { pipelineDecider } from '../domain/pipeline/decider.js';
import { pipelineEventSchema } from '../domain/pipeline/events.js';
import type { Decider } from '../domain/shared/decider.js';
import { reservationDecider, reservationEventSchema } from '../domain/shared/reservation.js';
import { targetDecider } from '../domain/target/decider.js';
import { targetEventSchema } from '../domain/target/events.js';

/** An aggregate as the application handles it: its stream category, its decider, and the schema its events are read with. */
export type Aggregate<State, Command, Event, Context> = {
  category: string;
  decider: Decider<State, Command, Event, Context>;
  eventSchema: z.ZodType<Event>;
};

const aggregate = <S, C, E, X>(category: string, decider: Decider<S, C, E, X>, eventSchema: z.ZodType<E>): Aggregate<S, C, E, X> => ({
  category,
  decider,
  eventSchema,
});

export const pipelines = aggregate('pipeline', pipelineDecider, pipelineEventSchema);
export const deals = aggregate('deal', dealDecider, dealEventSchema);
export const customers = aggregate('customer', customerDecider, customerEventSchema);
export const complaints = aggregate('complaint', complaintDecider, complaintEventSchema);
export const targets = aggregate('target', targetDecider, targetEventSchema);
export const reps = aggregate('rep', repDecider, repEventSchema);
export const teams = aggregate('team', teamDecider, teamEventSchema);
export const customerNames = aggregate('customerName', reservationDecider('CUSTOMER_NAME_TAKEN'), reservationEventSchema);
export const targetKeys = aggregate('targetKey', reservationDecider('TARGET_ALREADY_SET'), reservationEventSchema);

/** Every event type this engine writes: what the event feed can be filtered by. */
export const eventTypeNames: readonly string[] = [
  pipelineEventSchema,
  dealEventSchema,
  customerEventSchema,
  complaintEventSchema,
  targetEventSchema,
  repEventSchema,
  teamEventSchema,
  reservationEventSchema,
].flatMap((union) => union.options.map((option) => option.shape.type.value));
