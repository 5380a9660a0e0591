import { z } from 'zod';
import { compiledView } from '../serializer.js';

// The pieces the resource views share with the projections' answers, so that each is described (and serialized) one way.
export { instantSchema as instant, moneySchema as money, positionSchema as position } from '../../projections/answer.js';

/** A page of a list, in keyset order: pass `nextCursor` back as `cursor` for the next one. */
export const pageOf = <Item extends z.ZodType>(item: Item) =>
  compiledView(z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('the cursor of the next page; null on the last') }));
