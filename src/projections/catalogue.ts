import { complaintsProjection } from './complaints.js';
import { customersProjection } from './customers.js';
import type { AnyProjection } from './projection.js';
import { salesProjection } from './sales.js';
import { targetsProjection } from './targets.js';

/** The projections the engine keeps live; every view people read is a query over these. */
export const liveProjections: readonly AnyProjection[] = [salesProjection, targetsProjection, customersProjection, complaintsProjection];
