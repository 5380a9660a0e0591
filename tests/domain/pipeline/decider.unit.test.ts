import { describe, expect, it } from 'vitest';
import { pipelineDecider, standardPipeline } from '../../../src/domain/pipeline/decider.js';
import { specFor } from '../../support/deciderSpec.js';
import { standardDefined } from '../../support/domainFixtures.js';

const spec = specFor(pipelineDecider);
const stages = [...standardPipeline.stages];

describe('pipeline', () => {
  describe('when not yet defined', () => {
    it('defines a pipeline with its ordered stages', () => {
      spec.given().when({ type: 'DefinePipeline', data: { ...standardPipeline, stages } }, undefined).then([standardDefined]);
    });

    it('refuses a pipeline without stages', () => {
      spec.given().when({ type: 'DefinePipeline', data: { pipelineId: 'p', name: 'P', stages: [] } }, undefined).thenThrows('PIPELINE_HAS_NO_STAGES');
    });

    it('refuses duplicate stage ids', () => {
      const twice = [stages[0]!, { ...stages[0]!, name: 'Again' }];
      spec.given().when({ type: 'DefinePipeline', data: { pipelineId: 'p', name: 'P', stages: twice } }, undefined).thenThrows('STAGE_ID_DUPLICATE');
    });

    it.each([-0.1, 1.01, Number.NaN])('refuses a probability of %s', (probability) => {
      const bad = [{ stageId: 'lead', name: 'Lead', probability }];
      spec.given().when({ type: 'DefinePipeline', data: { pipelineId: 'p', name: 'P', stages: bad } }, undefined).thenThrows('STAGE_PROBABILITY_OUT_OF_RANGE');
    });

    it('refuses "won" or "lost" as a stage id', () => {
      const bad = [{ stageId: 'won', name: 'Won', probability: 1 }];
      spec.given().when({ type: 'DefinePipeline', data: { pipelineId: 'p', name: 'P', stages: bad } }, undefined).thenThrows('STAGE_ID_RESERVED');
    });

    it('refuses any other change', () => {
      spec.given().when({ type: 'RetireStage', data: { stageId: 'lead' } }, undefined).thenThrows('PIPELINE_NOT_FOUND');
    });
  });

  describe('when defined', () => {
    const given = spec.given([standardDefined]);

    it('refuses to be defined again', () => {
      given.when({ type: 'DefinePipeline', data: { ...standardPipeline, stages } }, undefined).thenThrows('PIPELINE_ALREADY_DEFINED');
    });

    it('adds a stage before another', () => {
      const stage = { stageId: 'discovery', name: 'Discovery', probability: 0.15 };
      given.when({ type: 'AddStage', data: { stage, beforeStageId: 'qualified' } }, undefined).then([
        { type: 'StageAdded', data: { stage, beforeStageId: 'qualified' } },
      ]);
    });

    it('refuses a stage id already used', () => {
      given.when({ type: 'AddStage', data: { stage: stages[1]!, beforeStageId: null } }, undefined).thenThrows('STAGE_ID_DUPLICATE');
    });

    it('renames a stage and changes its probability, keeping its id', () => {
      given.when({ type: 'RenameStage', data: { stageId: 'proposal', name: 'Offer' } }, undefined).then([
        { type: 'StageRenamed', data: { stageId: 'proposal', name: 'Offer' } },
      ]);
      given.when({ type: 'ChangeStageProbability', data: { stageId: 'proposal', probability: 0.4 } }, undefined).then([
        { type: 'StageProbabilityChanged', data: { stageId: 'proposal', probability: 0.4 } },
      ]);
    });

    it('refuses a probability outside [0, 1] on change', () => {
      given.when({ type: 'ChangeStageProbability', data: { stageId: 'proposal', probability: 2 } }, undefined).thenThrows('STAGE_PROBABILITY_OUT_OF_RANGE');
    });

    it('refuses to change a stage it does not have', () => {
      given.when({ type: 'RenameStage', data: { stageId: 'demo', name: 'Demo' } }, undefined).thenThrows('STAGE_NOT_IN_PIPELINE');
    });

    it('reorders its active stages', () => {
      const order = ['lead', 'proposal', 'qualified', 'negotiation'];
      given.when({ type: 'ReorderStages', data: { stageIds: order } }, undefined).then([{ type: 'StagesReordered', data: { stageIds: order } }]);
    });

    it('refuses an order that misses or repeats a stage', () => {
      given.when({ type: 'ReorderStages', data: { stageIds: ['lead', 'proposal', 'qualified'] } }, undefined).thenThrows('STAGES_ORDER_MISMATCH');
      given
        .when({ type: 'ReorderStages', data: { stageIds: ['lead', 'lead', 'qualified', 'negotiation'] } }, undefined)
        .thenThrows('STAGES_ORDER_MISMATCH');
    });

    it('retires a stage', () => {
      given.when({ type: 'RetireStage', data: { stageId: 'qualified' } }, undefined).then([{ type: 'StageRetired', data: { stageId: 'qualified' } }]);
    });
  });

  describe('when a stage is retired', () => {
    const given = spec.given([standardDefined, { type: 'StageRetired', data: { stageId: 'qualified' } }]);

    it('refuses to rename or reprobabilise it', () => {
      given.when({ type: 'RenameStage', data: { stageId: 'qualified', name: 'Q' } }, undefined).thenThrows('STAGE_RETIRED');
      given.when({ type: 'ChangeStageProbability', data: { stageId: 'qualified', probability: 0.3 } }, undefined).thenThrows('STAGE_RETIRED');
    });

    it('refuses to re-add its id', () => {
      given.when({ type: 'AddStage', data: { stage: stages[1]!, beforeStageId: null } }, undefined).thenThrows('STAGE_ID_DUPLICATE');
    });

    it('keeps the retired stage right after the stage it followed when the active ones are reordered', () => {
      const order = ['lead', 'negotiation', 'proposal'];
      const state = [standardDefined, { type: 'StageRetired' as const, data: { stageId: 'qualified' } }, { type: 'StagesReordered' as const, data: { stageIds: order } }].reduce(
        pipelineDecider.evolve,
        pipelineDecider.initialState,
      );
      expect(state.status === 'defined' && state.stages.map((s) => `${s.stageId}${s.retired ? ' (retired)' : ''}`)).toEqual(['lead', 'qualified (retired)', 'negotiation', 'proposal']);
    });

    it('keeps a retired first stage first', () => {
      const retiredLead = [standardDefined, { type: 'StageRetired' as const, data: { stageId: 'lead' } }, { type: 'StagesReordered' as const, data: { stageIds: ['proposal', 'qualified', 'negotiation'] } }];
      const state = retiredLead.reduce(pipelineDecider.evolve, pipelineDecider.initialState);
      expect(state.status === 'defined' && state.stages.map((s) => s.stageId)).toEqual(['lead', 'proposal', 'qualified', 'negotiation']);
    });

    it('reorders only the active stages', () => {
      given.when({ type: 'ReorderStages', data: { stageIds: ['lead', 'proposal', 'negotiation', 'qualified'] } }, undefined).thenThrows('STAGES_ORDER_MISMATCH');
    });
  });

  it('refuses to retire the only active stage', () => {
    const single = { type: 'PipelineDefined' as const, data: { pipelineId: 'p', name: 'P', stages: [stages[0]!] } };
    spec.given([single]).when({ type: 'RetireStage', data: { stageId: 'lead' } }, undefined).thenThrows('LAST_ACTIVE_STAGE');
  });
});
