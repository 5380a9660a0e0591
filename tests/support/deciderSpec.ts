import { expect } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import type { DomainErrorCode } from '../../src/domain/errors.js';
import type { Decider } from '../../src/domain/shared/decider.js';

/**
 * given(events).when(command, context).then(events) / .thenThrows(code): a decider's behaviour
 * read as a sentence (STYLE.md §3).
 */
export function specFor<S, C, E, X>(decider: Decider<S, C, E, X>) {
  return {
    given(history: E[] = []) {
      const state = history.reduce(decider.evolve, decider.initialState);
      return {
        when(command: C, context: X) {
          const decide = () => decider.decide(command, state, context);
          return {
            then(expected: E[]): void {
              expect(decide()).toEqual(expected);
            },
            thenThrows(code: DomainErrorCode, facts?: Record<string, unknown>): void {
              let thrown: unknown;
              try {
                decide();
              } catch (error) {
                thrown = error;
              }
              expect(thrown, `expected a refusal with ${code}`).toBeInstanceOf(DomainError);
              expect((thrown as DomainError).code).toBe(code);
              if (facts) expect((thrown as DomainError).facts).toEqual(facts);
            },
          };
        },
      };
    },
  };
}
