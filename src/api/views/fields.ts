import { z } from 'zod';
import { compiledView } from '../serializer.js';

// The pieces the resource views share, so that each is described (and serialized) one way.

export const money = z.object({ amountMinor: z.number().int().describe('minor units of the currency (cents)'), currency: z.string().describe('ISO 4217 code') });
export const instant = z.string().describe('ISO 8601, UTC');
export const position = z.string().describe('position in the global event log, as a decimal string');

/** A page of a list, in keyset order: pass `nextCursor` back as `cursor` for the next one. */
export const pageOf = <Item extends z.ZodType>(item: Item) =>
  compiledView(z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('the cursor of the next page; null on the last') }));
