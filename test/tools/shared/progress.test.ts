import { describe, expect, it } from 'vitest';
import { ProgressBar, progressBar } from '../../../tools/shared/progress';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('ProgressBar', () => {
  it('prints a plain line per tenth when stderr is not a terminal', () => {
    const { stream, written } = fakeStream(false);
    const bar = new ProgressBar({ label: 'replay', total: 100, stream });
    for (let i = 1; i <= 100; i += 1) bar.update(i);
    bar.finish();
    expect(written).toHaveLength(12); // the start, each tenth, the finish
    expect(written.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(written[11]).toContain('[########################] 100%');
  });

  it('redraws one line on a terminal', () => {
    const { stream, written } = fakeStream(true);
    const bar = new ProgressBar({ label: 'generate', stream });
    bar.update(5);
    bar.finish('done');
    expect(written[0]!.startsWith('\rgenerate 5 lines')).toBe(true);
    expect(written.at(-1)).toMatch(/done\x1b\[K\n$/);
  });

  it.each([true, false])('writes nothing when progress is off (terminal: %s)', (isTTY) => {
    const off = fakeStream(isTTY);
    const on = fakeStream(isTTY);
    for (const [enabled, { stream }] of [[false, off], [true, on]] as const) {
      const bar = progressBar(enabled, { label: 'x', total: 2, stream });
      bar.update(1);
      bar.setTotal(2);
      bar.update(2);
      bar.finish();
    }
    expect(off.written).toEqual([]);
    expect(on.written.length).toBeGreaterThan(0); // the same calls, switched on, do write
  });
});
