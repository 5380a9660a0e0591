import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dealDecider } from '../../../src/domain/deal/decider.js';
import type { DealContext, DealState } from '../../../src/domain/deal/decider.js';
import type { DealEvent } from '../../../src/domain/deal/events.js';
import { DomainError } from '../../../src/domain/errors.js';
import type { RepState } from '../../../src/domain/organisation/decider.js';
import { fold } from '../../../src/domain/shared/decider.js';
import { dealCommandArbitrary } from '../../support/dealCommands.js';
import { activeRep, dealContext, departedRep, leadFound, pipelineAfter } from '../../support/domainFixtures.js';

const reps: Record<string, RepState> = { ann: activeRep, bo: { ...activeRep, repId: 'bo' }, cy: departedRep };
const stageOf = (state: DealState): string | null => (state.status === 'none' ? null : state.stageId);
const pipeline = pipelineAfter({ type: 'StageRetired', data: { stageId: 'qualified' } });

/** Runs commands one by one, as the handler would, keeping what was decided and each step's before/after. */
function run(commands: ReturnType<typeof dealCommandArbitrary.generate>['value'][]) {
  const history: DealEvent[] = [leadFound()];
  let state: DealState = fold(dealDecider, history);
  const steps: { before: DealState; after: DealState; type: string; events: DealEvent[]; refused: boolean }[] = [];
  for (const command of commands) {
    const context: DealContext = {
      ...dealContext,
      pipeline,
      rep: command.type === 'ReassignDeal' ? reps[command.data.toRepId] : undefined,
    };
    try {
      const events = dealDecider.decide(command, state, context);
      const after = events.reduce(dealDecider.evolve, state);
      steps.push({ before: state, after, type: command.type, events, refused: false });
      history.push(...events);
      state = after;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      steps.push({ before: state, after: state, type: command.type, events: [], refused: true });
    }
  }
  return { history, state, steps };
}

describe('deal properties, over random command sequences', () => {
  it('replaying the recorded events reproduces the state', () => {
    fc.assert(
      fc.property(fc.array(dealCommandArbitrary, { maxLength: 40 }), (commands) => {
        const { history, state } = run(commands);
        expect(fold(dealDecider, history)).toEqual(state);
      }),
      { numRuns: 300 },
    );
  });

  it('only a reopen changes a closed deal’s course (status and stage)', () => {
    let closedSteps = 0;
    fc.assert(
      fc.property(fc.array(dealCommandArbitrary, { maxLength: 40 }), (commands) => {
        for (const step of run(commands).steps) {
          if (step.before.status === 'open' || step.before.status === 'none' || step.type === 'ReopenDeal') continue;
          closedSteps += 1;
          if (step.refused) continue;
          expect(step.after.status).toBe(step.before.status);
          expect(stageOf(step.after)).toBe(stageOf(step.before));
          expect(step.events.map((e) => e.type)).toEqual(['ContractAmountCorrected']);
        }
      }),
      { numRuns: 300 },
    );
    // the property was exercised: closed deals did receive many commands
    expect(closedSteps).toBeGreaterThan(100);
  });

  it('a deal is never in a retired stage by a move, and its offers are numbered 1, 2, 3…', () => {
    fc.assert(
      fc.property(fc.array(dealCommandArbitrary, { maxLength: 40 }), (commands) => {
        const { history } = run(commands);
        const rounds = history.flatMap((e) => (e.type === 'OfferMade' ? [e.data.round] : []));
        expect(rounds).toEqual(rounds.map((_, i) => i + 1));
        for (const e of history) if (e.type === 'DealMovedToStage') expect(e.data.toStageId).not.toBe('qualified');
      }),
      { numRuns: 200 },
    );
  });
});
