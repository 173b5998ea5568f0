import type { LoadSettings, Result } from '../load/result.ts';
import type { ServerInfo, StoredResult } from './types.ts';

/**
 * What the Markdown and HTML reports share: results grouped by how they were measured (engine
 * and load, so rows in one table compare), and the wording of loads, labels and servers.
 */
export interface ResultGroup {
  key: string;
  engine: Result['engine'];
  settings: LoadSettings;
  results: Result[];
}

function loadKey(result: Result): string {
  const s = result.settings;
  return JSON.stringify([
    result.engine,
    s.model,
    s.durationSeconds,
    s.operations ?? null,
    s.concurrency ?? null,
    s.ratePerSecond ?? null,
  ]);
}

/** Groups in order of first appearance. */
export function groupByLoad(stored: readonly StoredResult[]): ResultGroup[] {
  const groups = new Map<string, ResultGroup>();
  for (const { result } of stored) {
    const key = loadKey(result);
    let group = groups.get(key);
    if (!group) {
      group = { key, engine: result.engine, settings: result.settings, results: [] };
      groups.set(key, group);
    }
    group.results.push(result);
  }
  return [...groups.values()];
}

export function loadLabel(engine: string, s: LoadSettings): string {
  const load =
    s.model === 'closed'
      ? `closed model, ${s.concurrency ?? '?'} connection${s.concurrency === 1 ? '' : 's'}`
      : `open model, ${s.ratePerSecond ?? '?'} req/s offered`;
  const warmup = s.warmupSeconds ? ` after ${s.warmupSeconds} s warm-up` : '';
  const length = s.operations ? `${s.operations} operations` : `${s.durationSeconds} s`;
  return `${load}, ${length}${warmup}, engine ${engine}`;
}

/** A row's name: the target, and its variant when it has one. */
export const resultLabel = (r: Result): string =>
  r.variant ? `${r.target} (${r.variant})` : r.target;

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function serverLine(name: string, servers: ServerInfo[]): string {
  if (servers.length === 0) return 'not recorded (no suite called noteInfra)';
  return servers
    .map((s) => {
      const durability = Object.entries(s.durability).map(([k, v]) => `${k}=${v}`);
      const flags = durability.length > 0 ? durability.join(', ') : 'durability flags unknown';
      const isolation = s.isolation === 'strong' ? 'own server per suite' : 'shared server';
      const suites = servers.length > 1 && s.suites.length ? ` — ${s.suites.join(', ')}` : '';
      return `${name} ${s.version} (${s.provider}, ${isolation}; ${flags})${suites}`;
    })
    .join('; ');
}
