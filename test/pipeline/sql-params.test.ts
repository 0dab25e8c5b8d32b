import { describe, expect, it } from 'vitest';
import { paramReferences } from '../../pipeline/sql-params';

const names = (sql: string): string[] => paramReferences(sql).map((r) => r.name);

describe('paramReferences', () => {
  it('finds every :name with its span, repeats included', () => {
    const sql = 'select :a, :b_2, :a';
    expect(paramReferences(sql)).toEqual([
      { name: 'a', start: 7, end: 9 },
      { name: 'b_2', start: 11, end: 15 },
      { name: 'a', start: 17, end: 19 },
    ]);
  });

  it('skips ::casts, a colon after a word character, literals, quoted identifiers and comments', () => {
    expect(names(`select x::int, :when::timestamp, a:b, '12:30 :no', "c:no" -- :no\n/* :no */ from t`)).toEqual(['when']);
  });

  it('skips dollar-quoted bodies, tagged or not', () => {
    expect(names('select $$ :no $$, $f$ :no $f$, :yes')).toEqual(['yes']);
  });
});
