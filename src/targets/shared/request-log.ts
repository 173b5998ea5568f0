/**
 * The request-logging middleware's sink: an in-memory ring buffer, so scenario 06 measures the
 * middleware chain and not terminal I/O.
 */
export interface LogEntry {
  method: string;
  path: string;
  status: number;
  durationMs: number;
}

export class RequestLog {
  private readonly entries: LogEntry[] = [];
  private next = 0;
  private total = 0;
  readonly capacity: number;

  constructor(capacity = 10_000) {
    this.capacity = capacity;
  }

  append(entry: LogEntry): void {
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.total++;
  }

  /** Entries currently held (≤ capacity). */
  get size(): number {
    return this.entries.length;
  }

  /** Entries ever appended. */
  get count(): number {
    return this.total;
  }
}
