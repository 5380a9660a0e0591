import { z } from 'zod';
import type { PipelineFacts } from '../../projections/sales.js';
import { stageSchema } from '../../domain/pipeline/events.js';
import { compiledView } from '../serializer.js';
import { pageOf, streamVersion } from './fields.js';

/** A pipeline as defined at the read's point in time: its stages in order, retired ones included. */
export const pipelineViewSchema = compiledView(
  z.object({
    status: z.literal('defined'),
    pipelineId: z.string(),
    streamVersion,
    name: z.string(),
    stages: z.array(
      stageSchema.extend({
        probability: stageSchema.shape.probability.describe('win probability, from 0 to 1'),
        retired: z.boolean().describe('a retired stage takes no more deals'),
      }),
    ),
  }),
);

export const pipelinePageSchema = pageOf(pipelineViewSchema);

export function pipelineView(pipeline: PipelineFacts & { status: 'defined' }): z.infer<typeof pipelineViewSchema> {
  return {
    status: pipeline.status,
    pipelineId: pipeline.pipelineId,
    streamVersion: pipeline.streamVersion,
    name: pipeline.name,
    stages: pipeline.stages.map((s) => ({ stageId: s.stageId, name: s.name, probability: s.probability, retired: s.retired })),
  };
}
