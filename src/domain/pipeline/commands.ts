import { z } from 'zod';
import { idSchema, nameSchema } from '../shared/schemas.js';
import { stageIdSchema, stageSchema } from './events.js';

export const pipelineCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('DefinePipeline'), data: z.object({ pipelineId: idSchema, name: nameSchema, stages: z.array(stageSchema) }) }),
  z.object({ type: z.literal('AddStage'), data: z.object({ stage: stageSchema, beforeStageId: stageIdSchema.nullable().default(null) }) }),
  z.object({ type: z.literal('RenameStage'), data: z.object({ stageId: stageIdSchema, name: nameSchema }) }),
  z.object({ type: z.literal('ChangeStageProbability'), data: z.object({ stageId: stageIdSchema, probability: z.number() }) }),
  z.object({ type: z.literal('ReorderStages'), data: z.object({ stageIds: z.array(stageIdSchema) }) }),
  z.object({ type: z.literal('RetireStage'), data: z.object({ stageId: stageIdSchema }) }),
]);
export type PipelineCommand = z.infer<typeof pipelineCommandSchema>;
