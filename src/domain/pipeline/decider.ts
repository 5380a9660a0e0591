import { refuse } from '../errors.js';
import { unreachable } from '../shared/decider.js';
import type { Decider } from '../shared/decider.js';
import type { PipelineCommand } from './commands.js';
import type { PipelineEvent, Stage } from './events.js';

export type PipelineStage = Stage & { retired: boolean };
export type PipelineState =
  | { status: 'undefined' }
  | { status: 'defined'; pipelineId: string; name: string; stages: PipelineStage[] };

export const STANDARD_PIPELINE_ID = 'standard';

/** The process the sales team works by (DESIGN.md §1), defined on first start. */
export const standardPipeline = {
  pipelineId: STANDARD_PIPELINE_ID,
  name: 'Standard sales process',
  stages: [
    { stageId: 'lead', name: 'Lead', probability: 0.1 },
    { stageId: 'qualified', name: 'Qualified', probability: 0.25 },
    { stageId: 'proposal', name: 'Proposal', probability: 0.5 },
    { stageId: 'negotiation', name: 'Negotiation', probability: 0.75 },
  ],
} as const satisfies { pipelineId: string; name: string; stages: Stage[] };

const RESERVED_STAGE_IDS = new Set(['won', 'lost']);

export function activeStages(state: PipelineState): PipelineStage[] {
  return state.status === 'defined' ? state.stages.filter((s) => !s.retired) : [];
}

export function findStage(state: PipelineState, stageId: string): PipelineStage | undefined {
  return state.status === 'defined' ? state.stages.find((s) => s.stageId === stageId) : undefined;
}

function checkStage(stage: Stage): void {
  if (RESERVED_STAGE_IDS.has(stage.stageId)) refuse('STAGE_ID_RESERVED', stage.stageId);
  if (!(stage.probability >= 0 && stage.probability <= 1)) {
    refuse('STAGE_PROBABILITY_OUT_OF_RANGE', `${stage.stageId}: ${stage.probability}`);
  }
}

function existingActiveStage(state: PipelineState & { status: 'defined' }, stageId: string): PipelineStage {
  const stage = findStage(state, stageId) ?? refuse('STAGE_NOT_IN_PIPELINE', `${stageId} is not a stage of ${state.pipelineId}`);
  if (stage.retired) refuse('STAGE_RETIRED', stageId);
  return stage;
}

const mapStage = (stages: PipelineStage[], stageId: string, change: (s: PipelineStage) => PipelineStage) =>
  stages.map((s) => (s.stageId === stageId ? change(s) : s));

export const pipelineDecider: Decider<PipelineState, PipelineCommand, PipelineEvent> = {
  initialState: { status: 'undefined' },

  evolve(state, event) {
    if (event.type === 'PipelineDefined') {
      const { pipelineId, name, stages } = event.data;
      return { status: 'defined', pipelineId, name, stages: stages.map((s) => ({ ...s, retired: false })) };
    }
    if (state.status !== 'defined') return state;
    switch (event.type) {
      case 'StageAdded': {
        const added = { ...event.data.stage, retired: false };
        const at = event.data.beforeStageId ? state.stages.findIndex((s) => s.stageId === event.data.beforeStageId) : -1;
        const stages = at < 0 ? [...state.stages, added] : [...state.stages.slice(0, at), added, ...state.stages.slice(at)];
        return { ...state, stages };
      }
      case 'StageRenamed':
        return { ...state, stages: mapStage(state.stages, event.data.stageId, (s) => ({ ...s, name: event.data.name })) };
      case 'StageProbabilityChanged':
        return { ...state, stages: mapStage(state.stages, event.data.stageId, (s) => ({ ...s, probability: event.data.probability })) };
      case 'StagesReordered': {
        const byId = new Map(state.stages.map((s) => [s.stageId, s]));
        const stages = event.data.stageIds.flatMap((id) => byId.get(id) ?? []);
        // A retired stage stays right after the stage it followed (first, if it was first): deals that got no
        // further than it count as reaching what came before it, never the stages moved ahead of it. Put
        // last, a deal lost at it would count as reaching every active stage (the funnel's reached counts).
        let first = 0;
        state.stages.forEach((stage, i) => {
          if (event.data.stageIds.includes(stage.stageId)) return;
          const before = state.stages[i - 1];
          const at = before === undefined ? first++ : stages.findIndex((s) => s.stageId === before.stageId) + 1;
          stages.splice(at, 0, stage);
        });
        return { ...state, stages };
      }
      case 'StageRetired':
        return { ...state, stages: mapStage(state.stages, event.data.stageId, (s) => ({ ...s, retired: true })) };
      default:
        return unreachable(event);
    }
  },

  decide(command, state) {
    if (command.type === 'DefinePipeline') {
      if (state.status === 'defined') refuse('PIPELINE_ALREADY_DEFINED', command.data.pipelineId);
      const { stages } = command.data;
      if (stages.length === 0) refuse('PIPELINE_HAS_NO_STAGES');
      stages.forEach(checkStage);
      const ids = stages.map((s) => s.stageId);
      const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
      if (duplicate) refuse('STAGE_ID_DUPLICATE', duplicate);
      return [{ type: 'PipelineDefined', data: command.data }];
    }
    if (state.status !== 'defined') return refuse('PIPELINE_NOT_FOUND');
    switch (command.type) {
      case 'AddStage': {
        const { stage, beforeStageId } = command.data;
        checkStage(stage);
        if (findStage(state, stage.stageId)) refuse('STAGE_ID_DUPLICATE', stage.stageId);
        if (beforeStageId) existingActiveStage(state, beforeStageId);
        return [{ type: 'StageAdded', data: { stage, beforeStageId } }];
      }
      case 'RenameStage':
        existingActiveStage(state, command.data.stageId);
        return [{ type: 'StageRenamed', data: command.data }];
      case 'ChangeStageProbability': {
        const stage = existingActiveStage(state, command.data.stageId);
        checkStage({ ...stage, probability: command.data.probability });
        return [{ type: 'StageProbabilityChanged', data: command.data }];
      }
      case 'ReorderStages': {
        const active = activeStages(state).map((s) => s.stageId);
        const given = command.data.stageIds;
        const isPermutation = given.length === active.length && new Set(given).size === given.length && given.every((id) => active.includes(id));
        if (!isPermutation) refuse('STAGES_ORDER_MISMATCH', `active stages are ${active.join(', ')}`);
        return [{ type: 'StagesReordered', data: command.data }];
      }
      case 'RetireStage': {
        existingActiveStage(state, command.data.stageId);
        if (activeStages(state).length === 1) refuse('LAST_ACTIVE_STAGE', command.data.stageId);
        return [{ type: 'StageRetired', data: command.data }];
      }
      default:
        return unreachable(command);
    }
  },
};
