/** How the harness gets its servers. `auto` tries testcontainers, then local binaries, then URLs. */
export type InfraMode = 'auto' | 'testcontainers' | 'local' | 'external';
export type ProviderKind = Exclude<InfraMode, 'auto'>;
export const INFRA_MODES: readonly InfraMode[] = ['auto', 'testcontainers', 'local', 'external'];

/** Server knobs that change results; recorded with every result. */
export interface ServerMetadata {
  provider: ProviderKind;
  serverVersion: string;
  /** `strong` = own server process; `weaker` = a database / db index on a shared server. */
  isolation: 'strong' | 'weaker';
  settings: Record<string, string>;
}

/** A server instance owned by one suite. Snapshots are named; restore brings the data back. */
export interface ServerInstance {
  readonly url: string;
  readonly serverVersion: string;
  readonly provider: ProviderKind;
  readonly metadata: ServerMetadata;
  snapshot(name: string): Promise<void>;
  restore(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PostgresInstance extends ServerInstance {
  /** Name of the suite's database inside the server. */
  readonly database: string;
}

export interface RedisInstance extends ServerInstance {
  /** Redis logical database index the suite owns. */
  readonly dbIndex: number;
}

/** Starts per-suite servers. One provider is chosen per run; it may hold run-wide state. */
export interface InfraProvider {
  readonly kind: ProviderKind;
  /** Human-readable description, e.g. binaries and versions used. */
  readonly description: string;
  startPostgres(): Promise<PostgresInstance>;
  startRedis(): Promise<RedisInstance>;
}
