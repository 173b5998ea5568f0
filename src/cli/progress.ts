/**
 * Progress for `lab run`: a one-line bar with elapsed time and ETA, redrawn in place, when stdout
 * is a terminal; plain lines otherwise (CI logs, pipes), one per finished measurement.
 *
 * A few dozen lines instead of a dependency: all it needs is `\r`, "erase line", a timer and the
 * ETA below. The ETA scales the planned seconds still ahead (warm-up + measured time of every
 * measurement left) by how long planned seconds have really taken so far — target starts,
 * conformance checks, lab starts and resets make a run slower than its durations add up to.
 */
export interface ProgressOptions {
  /** Planned seconds of each measurement, in run order. */
  planned: readonly number[];
  /** Where to draw; default process.stdout. */
  stream?: NodeJS.WriteStream;
  /** Draw the bar (default: the stream is a TTY). */
  tty?: boolean;
  /** Clock in ms; injectable for tests. */
  now?: () => number;
}

/** `1m05s`, `42s`, `1h02m`. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Seconds left: the planned seconds ahead, scaled by elapsed / planned-so-far once something has
 * finished (before that, by an assumed 1.3 for start-up costs), minus what the current
 * measurement has already used.
 */
export function estimateRemaining(
  planned: readonly number[],
  done: number,
  elapsedSeconds: number,
  currentSeconds = 0,
): number {
  const plannedDone = planned.slice(0, done).reduce((s, x) => s + x, 0);
  const plannedLeft = planned.slice(done).reduce((s, x) => s + x, 0);
  const scale =
    plannedDone > 0 ? Math.max(0.5, (elapsedSeconds - currentSeconds) / plannedDone) : 1.3;
  return Math.max(0, plannedLeft * scale - currentSeconds);
}

/** The line `runRanking` logs after each block: `[01-lightweight] throughput block 3/40: …; decided 2/5`. */
const BLOCK_LINE = /^\[([^\]]+)\] (.+?) block (\d+)\/(\d+): .*; decided (\d+)\/(\d+)$/;

export class Progress {
  private readonly planned: readonly number[];
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly started: number;
  private currentStarted: number;
  private done = 0;
  private label = 'starting';
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;
  /** Off a terminal, the summary of a finished measurement waits for its result line. */
  private summaryPending = false;

  constructor(options: ProgressOptions) {
    this.planned = options.planned;
    this.stream = options.stream ?? process.stdout;
    this.tty = options.tty ?? this.stream.isTTY === true;
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
    this.currentStarted = this.started;
    if (this.tty) {
      this.timer = setInterval(() => this.draw(), 1000);
      this.timer.unref();
      this.draw();
    }
  }

  get total(): number {
    return this.planned.length;
  }

  /** A log line; on a terminal, per-measurement "round …" lines only update the bar's label. */
  log(line: string): void {
    const block = BLOCK_LINE.exec(line);
    if (block) {
      this.label = `${block[1]}: ${block[2]} block ${block[3]}/${block[4]}, decided ${block[5]}/${block[6]}`;
      if (this.tty) {
        this.draw();
        return;
      }
    }
    this.print(line);
    this.flushSummary();
  }

  /** What is happening now (starting a lab, targets…). */
  status(label: string): void {
    this.label = label;
    this.flushSummary();
    if (this.tty) this.draw();
    else this.print(`[lab] ${label}`);
  }

  /** One measurement finished. */
  tick(): void {
    this.done = Math.min(this.done + 1, this.total);
    this.currentStarted = this.now();
    if (this.tty) this.draw();
    else this.summaryPending = true;
  }

  /** Removes the bar (the last state is printed as a plain line). */
  stop(): void {
    this.flushSummary();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty && this.drawn) {
      this.stream.write(`\r\x1b[2K[lab] ${this.summary()}\n`);
      this.drawn = false;
    }
  }

  /** `3/8 measurements · elapsed 1m02s · ~1m40s left` */
  summary(): string {
    const elapsed = (this.now() - this.started) / 1000;
    const current = this.done < this.total ? (this.now() - this.currentStarted) / 1000 : 0;
    const left =
      this.done >= this.total
        ? 'done'
        : `~${clock(estimateRemaining(this.planned, this.done, elapsed, current))} left`;
    return `${this.done}/${this.total} measurements · elapsed ${clock(elapsed)} · ${left}`;
  }

  private flushSummary(): void {
    if (!this.summaryPending) return;
    this.summaryPending = false;
    this.print(`[lab] ${this.summary()}`);
  }

  private print(line: string): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(`${line}\n`);
    this.drawn = false;
    if (this.tty && this.timer) this.draw();
  }

  private draw(): void {
    const width = 24;
    const filled = this.total > 0 ? Math.round((this.done / this.total) * width) : width;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    let line = `${bar} ${this.summary()} · ${this.label}`;
    const columns = this.stream.columns || 100;
    if (line.length > columns - 1) line = `${line.slice(0, Math.max(10, columns - 2))}…`;
    this.stream.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }
}
