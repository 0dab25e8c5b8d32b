import { describe, expect, it } from 'vitest';
import { textTable } from '../../local/report-text';

describe('textTable', () => {
  it('shows every number of a column with a fraction to four places, whole numbers too', () => {
    const table = textTable([{ id: 'a', avg: 4 }, { id: 'b', avg: 4.0526 }], ['id', 'avg']).split('\n');
    expect(table.slice(2)).toEqual(['a   4.0000', 'b   4.0526']);
  });

  it('groups thousands in whole-number columns and shows null as a dash', () => {
    const table = textTable([{ n: 1234567 }, { n: null }], ['n']).split('\n');
    expect(table.slice(2)).toEqual(['1,234,567', '        —']);
  });
});
