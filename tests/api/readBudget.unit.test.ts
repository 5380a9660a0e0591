import { describe, expect, it } from 'vitest';
import { ReadBudget, ReadBudgetSpentError } from '../../src/api/readBudget.js';

/** A budget on a clock the test moves; `work(ms)` is a read that takes that long. */
function aBudget(msPerMinute: number) {
  let now = 1_000_000;
  const budget = new ReadBudget(msPerMinute, () => now);
  const work = (ms: number) => async () => {
    now += ms;
    return ms;
  };
  return { budget, work, wait: (ms: number) => (now += ms) };
}

describe('read budget', () => {
  it('admits reads while the key has time left this minute, then refuses them until the minute is over', async () => {
    const { budget, work, wait } = aBudget(100);
    const meter = budget.meterFor('key-a');
    await meter(work(60));
    // 60 of 100 ms spent: admitted, and it may overrun.
    await meter(work(70));
    wait(10_000);
    const refused = meter(work(1));
    await expect(refused).rejects.toBeInstanceOf(ReadBudgetSpentError);
    await expect(refused).rejects.toMatchObject({ code: 'READ_BUDGET_SPENT', retryAfterSeconds: 50 });
    wait(50_000);
    await expect(meter(work(1))).resolves.toBe(1);
  });

  it('counts each key apart', async () => {
    const { budget, work } = aBudget(100);
    await budget.meterFor('key-a')(work(150));
    await expect(budget.meterFor('key-a')(work(1))).rejects.toBeInstanceOf(ReadBudgetSpentError);
    await expect(budget.meterFor('key-b')(work(1))).resolves.toBe(1);
  });

  it('counts work nested in a read once, with the read', async () => {
    const { budget, work } = aBudget(100);
    const meter = budget.meterFor('key-a');
    await meter(async () => {
      await work(40)();
      return meter(work(40));
    });
    // 80 ms, not 120: a third read is still admitted.
    await expect(budget.meterFor('key-a')(work(30))).resolves.toBe(30);
    await expect(budget.meterFor('key-a')(work(1))).rejects.toBeInstanceOf(ReadBudgetSpentError);
  });

  it('charges a read that failed for the time it took', async () => {
    const { budget, work } = aBudget(100);
    const meter = budget.meterFor('key-a');
    await expect(
      meter(async () => {
        await work(120)();
        throw new Error('refused by a rule');
      }),
    ).rejects.toThrow('refused by a rule');
    await expect(meter(work(1))).rejects.toBeInstanceOf(ReadBudgetSpentError);
  });
});
