import { describe, expect, it } from 'vitest';
import { referencedParams, toDataApiParameters } from '../../../lambda/shared/sql-params.js';

describe('referencedParams', () => {
  it('finds :name references in order of first use', () => {
    expect(referencedParams('select * from t where a = :alpha and b = :beta or c = :alpha')).toEqual(['alpha', 'beta']);
  });

  it('does not read a ::type cast as a parameter', () => {
    expect(referencedParams('select x::int, :when::timestamp from t')).toEqual(['when']);
  });

  it('ignores colons inside literals, quoted identifiers and comments', () => {
    const sql = `select '12:30', 'it''s :not', "col:x" -- :comment\n /* :block */ from t where a = :real`;
    expect(referencedParams(sql)).toEqual(['real']);
  });
});

describe('toDataApiParameters', () => {
  it('sends every value as a string', () => {
    expect(toDataApiParameters(['select :a, :b, :c'], { a: 'x', b: 42, c: true })).toEqual([
      { name: 'a', value: 'x' },
      { name: 'b', value: '42' },
      { name: 'c', value: 'true' },
    ]);
  });

  it('leaves out parameters no statement references', () => {
    expect(toDataApiParameters(['select :a', 'select 1'], { a: '1', unused: '2' })).toEqual([{ name: 'a', value: '1' }]);
  });

  it('sends nothing when nothing is referenced', () => {
    expect(toDataApiParameters(['select 1'], { unused: '2' })).toBeUndefined();
  });

  it('refuses a referenced parameter without a value, naming it', () => {
    expect(() => toDataApiParameters(['select :a, :b'], { a: '1' })).toThrow(/:b/);
  });

  it('refuses an empty string, which the Data API cannot bind', () => {
    expect(() => toDataApiParameters(['select :a'], { a: '' })).toThrow(/:a is an empty string/);
  });
});
