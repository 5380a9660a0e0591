import { z } from 'zod';

/** What every answer says besides its result: the point in time it is about and how far into the log it reaches. */
export const answerMetaSchema = z.object({
  at: z.object({
    asOf: z.string().nullable().describe('the business time asked about (ISO 8601), or null for now'),
    knownAt: z.string().nullable().describe('the system time asked about (ISO 8601), or null for everything recorded'),
    now: z.string().describe('the reference instant of the figures (ISO 8601): asOf, else knownAt, else the time of the read'),
  }),
  position: z.string().nullable().describe('the global position of the last event the answer reflects; null when none'),
  replayed: z.number().int().describe('events replayed on top of live state or a snapshot to answer'),
});

export type Answer<T> = z.infer<typeof answerMetaSchema> & { result: T };

/** The schema of an answer whose result has the given schema. */
export const answerOf = <Result extends z.ZodType>(result: Result) => answerMetaSchema.extend({ result });
