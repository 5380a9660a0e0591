import { z } from 'zod';

/** Money is an integer amount of minor units plus an ISO 4217 currency; never a float (DESIGN.md §2). */
export const moneySchema = z.object({
  amountMinor: z
    .number()
    // zod's int() also bounds the value to the safe integers, with the same message unless told apart.
    .int({ error: (issue) => (issue.code === 'too_big' ? `must be at most ${Number.MAX_SAFE_INTEGER} minor units` : 'must be a whole number of minor units (cents)') })
    .min(0, 'must not be negative'),
  // As stored: three capital letters. What a command may bring in is checked against the codes in use (currencySchema).
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be three capital letters, an ISO 4217 code such as EUR'),
});

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** A currency a command brings in: an ISO 4217 code in use (as the runtime's Intl lists them), not merely three letters. */
export const currencySchema = z.string().refine((code) => CURRENCIES.has(code), 'must be an ISO 4217 currency code in use, such as EUR, USD or GBP');

/** Money as a command takes it: the currency a known code. */
export const moneyInputSchema = moneySchema.extend({ currency: currencySchema });
export type Money = z.infer<typeof moneySchema>;
