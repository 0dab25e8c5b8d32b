/**
 * Lines waiting to be written, ordered by arrival time (then by insertion, so the
 * order is deterministic). A min-heap: the generator pushes events in roughly time
 * order and pops everything that has arrived before the next session starts, so the
 * queue holds only a few hours of traffic (plus late lines) whatever the volume.
 */
export class ArrivalQueue {
  private readonly arrivals: number[] = [];
  private readonly seqs: number[] = [];
  private readonly lines: string[] = [];
  private readonly repeats: boolean[] = [];
  private seq = 0;

  get size(): number {
    return this.lines.length;
  }

  /** `repeat`: the line is a second delivery of an earlier one (counted as a duplicate when written). */
  push(arrival: number, line: string, repeat = false): void {
    this.arrivals.push(arrival);
    this.seqs.push(this.seq++);
    this.lines.push(line);
    this.repeats.push(repeat);
    let i = this.lines.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Arrival time of the next line, or +Infinity when empty. */
  peekArrival(): number {
    return this.arrivals[0] ?? Number.POSITIVE_INFINITY;
  }

  pop(): { arrival: number; line: string; repeat: boolean } | undefined {
    const n = this.lines.length;
    if (n === 0) return undefined;
    const out = { arrival: this.arrivals[0]!, line: this.lines[0]!, repeat: this.repeats[0]! };
    this.swap(0, n - 1);
    this.arrivals.pop();
    this.seqs.pop();
    this.lines.pop();
    this.repeats.pop();
    let i = 0;
    const size = n - 1;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && this.less(l, m)) m = l;
      if (r < size && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return out;
  }

  private less(a: number, b: number): boolean {
    const x = this.arrivals[a]!;
    const y = this.arrivals[b]!;
    return x < y || (x === y && this.seqs[a]! < this.seqs[b]!);
  }

  private swap(a: number, b: number): void {
    const arrival = this.arrivals[a]!;
    this.arrivals[a] = this.arrivals[b]!;
    this.arrivals[b] = arrival;
    const seq = this.seqs[a]!;
    this.seqs[a] = this.seqs[b]!;
    this.seqs[b] = seq;
    const line = this.lines[a]!;
    this.lines[a] = this.lines[b]!;
    this.lines[b] = line;
    const repeat = this.repeats[a]!;
    this.repeats[a] = this.repeats[b]!;
    this.repeats[b] = repeat;
  }
}
