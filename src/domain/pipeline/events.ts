import { z } from 'zod';
import { idSchema, nameSchema } from '../shared/schemas.js';

export const stageIdSchema = z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/, 'must be a camelCase id such as "proposal"');
export const stageSchema = z.object({
  stageId: stageIdSchema,
  name: nameSchema,
  /** Win probability in [0, 1]; the range is a domain rule, refused with STAGE_PROBABILITY_OUT_OF_RANGE. */
  probability: z.number(),
});
export type Stage = z.infer<typeof stageSchema>;

export const pipelineEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('PipelineDefined'), data: z.object({ pipelineId: idSchema, name: nameSchema, stages: z.array(stageSchema) }) }),
  z.object({ type: z.literal('StageAdded'), data: z.object({ stage: stageSchema, beforeStageId: stageIdSchema.nullable() }) }),
  z.object({ type: z.literal('StageRenamed'), data: z.object({ stageId: stageIdSchema, name: nameSchema }) }),
  z.object({ type: z.literal('StageProbabilityChanged'), data: z.object({ stageId: stageIdSchema, probability: z.number() }) }),
  z.object({ type: z.literal('StagesReordered'), data: z.object({ stageIds: z.array(stageIdSchema) }) }),
  z.object({ type: z.literal('StageRetired'), data: z.object({ stageId: stageIdSchema }) }),
]);
export type PipelineEvent = z.infer<typeof pipelineEventSchema>;
