/**
 * Polls a target's Prometheus `/metrics` (Node targets with LAB_METRICS=1, src/targets/shared/
 * metrics.ts) for `nodejs_heap_size_used_bytes`: the V8 heap in use, which shows a JS-level leak
 * without the noise of the allocator's and the OS's memory management that RSS carries. A target
 * that does not serve the metric (404, another runtime) ends the polling quietly: its soak relies
 * on RSS alone.
 */
export interface HeapScraper {
  /** Stops polling; the samples: seconds since the start, MiB. */
  stop(): Promise<Array<{ t: number; value: number }>>;
}

const METRIC = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})?\s+([0-9.eE+-]+)/m;

export function parseHeapUsedMiB(text: string): number | undefined {
  const value = Number(METRIC.exec(text)?.[1]);
  return Number.isFinite(value) && value > 0 ? value / 1024 / 1024 : undefined;
}

export function startHeapScraper(baseUrl: string, intervalMs = 2000): HeapScraper {
  const started = performance.now();
  const samples: Array<{ t: number; value: number }> = [];
  let stopped = false;
  let pending: Promise<void> = Promise.resolve();
  const poll = async () => {
    try {
      const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(1000) });
      const text = await response.text();
      const mib = response.ok ? parseHeapUsedMiB(text) : undefined;
      if (mib === undefined) {
        stopped = true;
        return;
      }
      samples.push({ t: (performance.now() - started) / 1000, value: mib });
    } catch {
      // one missed scrape under load is no reason to stop
    }
  };
  const timer = setInterval(() => {
    if (stopped) {
      clearInterval(timer);
      return;
    }
    pending = poll();
  }, intervalMs);
  pending = poll();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pending;
      return samples;
    },
  };
}
