import { describe, expect, it } from 'vitest';
import { applyChanges, type UserState } from '../../../tools/generator/users';

const DAY = 86_400_000;
const signup: UserState = { from: 0, plan: 'standard', status: 'active' };

describe('applyChanges (the subscription history)', () => {
  it('keeps a paused subscription paused through a plan change, until it resumes', () => {
    const states = applyChanges([signup], [
      { from: 10 * DAY, status: 'active' },
      { from: 2 * DAY, status: 'paused' },
      { from: 5 * DAY, plan: 'premium' },
    ]);
    expect(states.map((s) => `${s.plan}/${s.status}`)).toEqual(['standard/active', 'standard/paused', 'premium/paused', 'premium/active']);
  });

  it('keeps the plan in force through a status change', () => {
    const states = applyChanges([signup], [{ from: DAY, plan: 'basic_ads' }, { from: 2 * DAY, status: 'canceled' }]);
    expect(states.at(-1)).toEqual({ from: 2 * DAY, plan: 'basic_ads', status: 'canceled' });
  });

  it('rounds each change to whole seconds, as the feed writes them', () => {
    expect(applyChanges([signup], [{ from: 1_499, plan: 'premium' }]).at(-1)?.from).toBe(1_000);
  });
});
