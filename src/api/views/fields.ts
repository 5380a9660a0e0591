import { z } from 'zod';
import { compiledView } from '../serializer.js';

// The pieces the resource views share with the projections' answers, so that each is described (and serialized) one way.
export { instantSchema as instant, moneySchema as money, positionSchema as position } from '../../projections/answer.js';

/** The version of the resource's stream the state shown reflects: read now, it is the resource's ETag, for If-Match. */
export const streamVersion = z
  .number()
  .int()
  .describe("the version of the resource's stream this state reflects; read now, it is the ETag to send in If-Match");

/** A page of a list, in keyset order: pass `nextCursor` back as `cursor` for the next one. */
export const pageOf = <Item extends z.ZodType>(item: Item) =>
  compiledView(z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('the cursor of the next page; null on the last') }));
