import type { UsersRepository } from '../../data/pg/users.ts';
import type { DataLayer } from '../../data/types.ts';
import type { TargetConfig } from '../shared/config.ts';
import type { RequestLog } from '../shared/request-log.ts';
import type { ScenarioServices } from '../shared/scenario-services.ts';
import type { upstreamClient } from '../shared/upstream-client.ts';

/** What the app needs from the outside; main.ts wires the real ones, tests may pass others. */
export interface AppDeps {
  config: TargetConfig;
  users: UsersRepository;
  /** The scenario 09–13 data layer behind `/db/…` (LAB_DATA_LAYER). */
  layer: DataLayer;
  upstream: ReturnType<typeof upstreamClient>;
  log: RequestLog;
  /** Scenarios 14–19 (the Redis-backed groups only with REDIS_URL). */
  scenarios: ScenarioServices;
}
