import { z } from 'zod';

/** Money is an integer amount of minor units plus an ISO 4217 currency; never a float (DESIGN.md §2). */
export const moneySchema = z.object({
  amountMinor: z.number().int('must be a whole number of minor units (cents)').min(0, 'must not be negative'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
});
export type Money = z.infer<typeof moneySchema>;
