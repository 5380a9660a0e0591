import { z } from 'zod';

/** An instant as answers show it. */
export const instantSchema = z.string().describe('ISO 8601, UTC');
/** A position in the global event log as answers show it: a decimal string, as positions outgrow JSON numbers. */
export const positionSchema = z.string().describe('position in the global event log, as a decimal string');

/** What every answer says besides its result: the point in time it is about and how far into the log it reaches. */
export const answerMetaSchema = z.object({
  at: z.object({
    asOf: instantSchema.nullable().describe('the business time asked about (ISO 8601), or null for now'),
    knownAt: instantSchema.nullable().describe('the system time asked about (ISO 8601), or null for everything recorded'),
    now: instantSchema.describe('the reference instant of the figures (ISO 8601): asOf, else knownAt, else the time of the read'),
  }),
  position: positionSchema.nullable().describe('the global position of the last event the answer reflects; null when none'),
  replayed: z.number().int().describe('events replayed on top of live state or a snapshot to answer'),
});

/** An amount of money as answers show it. */
export const moneySchema = z.object({ amountMinor: z.number().int().describe('minor units of the currency (cents)'), currency: z.string().describe('ISO 4217 code') });

/** Amounts of money by currency, as answers sum them: minor units per ISO 4217 code. */
export const perCurrencySchema = z.record(z.string(), z.number()).describe('minor units, per currency code');

/** With explain=true: the deals behind a figure, each with the position of the event that counts. */
export const provenanceSchema = z
  .array(z.object({ dealId: z.string(), position: positionSchema.describe('the global position of the event behind the count') }))
  .describe('with explain=true: the deals behind a figure');

/** With explain=true: the complaints behind a figure, each with the position of its ComplaintRaised. */
export const complaintProvenanceSchema = z
  .array(z.object({ complaintId: z.string(), position: positionSchema.describe('the global position of the ComplaintRaised') }))
  .describe('with explain=true: the complaints behind a figure');

export type Answer<T> = z.infer<typeof answerMetaSchema> & { result: T };

/** The schema of an answer whose result has the given schema. */
export const answerOf = <Result extends z.ZodType>(result: Result) => answerMetaSchema.extend({ result });
