import { describe, expect, it } from 'vitest';
import { intOption, numberOption, UsageError } from '../../../tools/shared/cli-args';

describe('intOption', () => {
  it('takes a whole number, and the default when the option is absent', () => {
    expect(intOption('42', 'seed', 7)).toBe(42);
    expect(intOption(undefined, 'seed', 7)).toBe(7);
  });

  it.each(['', ' ', '1.5', 'x', '-1'])('refuses %j, saying what it wants', (value) => {
    expect(() => intOption(value, 'seed', 7)).toThrow(UsageError);
    expect(() => intOption(value, 'seed', 7)).toThrow(`--seed must be a whole number ≥ 0, got '${value}'`);
  });
});

describe('numberOption', () => {
  it('takes a number ≥ 0, and nothing when the option is absent', () => {
    expect(numberOption('0.25', 'late-rate')).toBe(0.25);
    expect(numberOption(undefined, 'late-rate')).toBeUndefined();
  });

  it.each(['', ' ', 'x', '-0.1', 'Infinity'])('refuses %j instead of reading it as a number', (value) => {
    expect(() => numberOption(value, 'late-rate')).toThrow(`--late-rate must be a number ≥ 0, got '${value}'`);
  });

  it('refuses a number at or past its bound, naming the flag, as a usage error', () => {
    expect(numberOption('0.49', 'bad-rate', 0.5)).toBe(0.49);
    for (const value of ['0.5', '0.6', '-1', 'x']) {
      expect(() => numberOption(value, 'bad-rate', 0.5)).toThrow(UsageError);
      expect(() => numberOption(value, 'bad-rate', 0.5)).toThrow(`--bad-rate must be a number in [0, 0.5), got '${value}'`);
    }
  });
});
