/**
 * A progress bar on stderr. On a terminal it redraws one line at most ten times a
 * second; when stderr is a file or pipe it prints a plain line every 10% so logs
 * stay readable. stdout is never touched: it carries only results.
 */
export interface ProgressProps {
  readonly label: string;
  /** Expected total units; @default unknown (the bar shows a count and a rate only) */
  readonly total?: number;
  /** Where to draw; @default process.stderr */
  readonly stream?: NodeJS.WriteStream;
  /** Unit shown after counts; @default 'lines' */
  readonly unit?: string;
}

export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private lastDecile = -1;
  private done = 0;
  private note = '';
  private total: number | undefined;
  private readonly stream: NodeJS.WriteStream;

  constructor(private readonly props: ProgressProps) {
    this.stream = props.stream ?? process.stderr;
    this.total = props.total;
  }

  /** Revises the expected total (e.g. an estimate that improves as work goes on). */
  setTotal(total: number): void {
    this.total = total;
  }

  /** Sets the absolute count (and an optional short note such as the current day). */
  update(done: number, note = ''): void {
    this.done = done;
    this.note = note;
    const now = Date.now();
    if (this.stream.isTTY) {
      if (now - this.lastDraw >= 100) {
        this.lastDraw = now;
        this.stream.write(`\r${this.render(now)}\x1b[K`);
      }
      return;
    }
    const total = this.total;
    if (total !== undefined && total > 0) {
      const decile = Math.floor((10 * Math.min(done, total)) / total);
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.stream.write(`${this.render(now)}\n`);
      }
    }
  }

  finish(note = ''): void {
    this.note = note;
    const line = this.render(Date.now());
    this.stream.write(this.stream.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  private render(now: number): string {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = formatCount(this.done / seconds);
    const unit = this.props.unit ?? 'lines';
    const total = this.total;
    let bar = '';
    if (total !== undefined && total > 0) {
      const share = Math.min(this.done / total, 1);
      const width = 24;
      const full = Math.round(share * width);
      bar = `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(share * 100).toFixed(0).padStart(3)}% `;
    }
    const note = this.note === '' ? '' : ` ${this.note}`;
    return `${this.props.label} ${bar}${formatCount(this.done)} ${unit} ${rate}/s ${seconds.toFixed(1)}s${note}`;
  }
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return `${Math.round(n)}`;
}

/** A progress bar, or a do-nothing stand-in when progress is off. */
export function progressBar(enabled: boolean, props: ProgressProps): Pick<ProgressBar, 'update' | 'finish' | 'setTotal'> {
  return enabled ? new ProgressBar(props) : { update: () => undefined, finish: () => undefined, setTotal: () => undefined };
}
