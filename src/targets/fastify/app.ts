import Fastify, { type FastifyInstance } from 'fastify';
import { openDataLayer } from '../../data/index.ts';
import { pgUsers, type UsersRepository } from '../../data/pg/users.ts';
import type { DataLayer } from '../../data/types.ts';
import type { TargetConfig } from '../shared/config.ts';
import { JSON_BODY_LIMIT_BYTES } from '../shared/config.ts';
import { httpServerOptions } from '../shared/http-server.ts';
import { JSON_KEYS_AS_SENT } from '../shared/json-keys.ts';
import { installedVersion, targetMeta, targetNameFor } from '../shared/meta.ts';
import { mountFastifyMetrics, targetMetrics } from '../shared/metrics.ts';
import { RequestLog } from '../shared/request-log.ts';
import { openScenarioServices, type ScenarioServices } from '../shared/scenario-services.ts';
import { upstreamClient } from '../shared/upstream-client.ts';
import { authRoutes } from './auth.ts';
import { cacheRoutes } from './cache.ts';
import { dbRoutes } from './db.ts';
import { installErrorHandlers } from './errors.ts';
import { flowRoutes } from './flow.ts';
import { requireBody } from './hooks.ts';
import { protectedRoutes } from './protected.ts';
import { reportRoutes } from './reports.ts';
import { anyObjectSchema, errorResponses, healthSchema, metaSchema } from './schemas.ts';
import { uploadRoutes } from './upload.ts';
import { usersRoutes } from './users.ts';
import { installValidators } from './validation.ts';

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

/** The Fastify app of the contract; not listening, so it can be exercised with inject(). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, users, layer, upstream, log, scenarios } = deps;
  const app = Fastify({
    logger: false, // no per-request output: this is a benchmark target
    bodyLimit: JSON_BODY_LIMIT_BYTES,
    http: httpServerOptions(config),
    requestTimeout: config.requestTimeoutMs, // Fastify sets it on the server after creating it
    ...JSON_KEYS_AS_SENT,
  });
  installValidators(app);
  installErrorHandlers(app);
  // Only JSON (and multipart, below) bodies: text/plain would otherwise reach validation as a
  // string and answer 400 where the contract says 415.
  app.removeContentTypeParser('text/plain');

  const meta = targetMeta({
    target: targetNameFor('fastify', layer.name),
    framework: 'fastify',
    frameworkVersion: installedVersion('fastify'),
    adapter: null,
    dataLayer: layer.name,
    dbPool: config.dbPool,
  });
  // LAB_METRICS=1 only; before the routes, so its hook applies to all of them.
  if (config.metrics) mountFastifyMetrics(app, targetMetrics(meta));

  app.get('/health', { schema: { response: { 200: healthSchema } } }, async () => ({
    status: 'ok',
  }));
  app.get('/meta', { schema: { response: { 200: metaSchema } } }, async () => meta);
  app.post(
    '/echo',
    {
      schema: { body: anyObjectSchema, response: { 200: anyObjectSchema, ...errorResponses } },
      preValidation: requireBody,
    },
    async (request) => request.body,
  );
  app.get('/external', { schema: { response: { 200: anyObjectSchema, ...errorResponses } } }, () =>
    upstream.fetchData(),
  );
  await app.register(usersRoutes, { users });
  await app.register(protectedRoutes, { log, secret: config.authSecret });
  await app.register(uploadRoutes, { limit: config.uploadLimitBytes });
  await app.register(dbRoutes, { layer });
  // 14–19; without Redis no cache, sessions or flow (unknown routes, 404).
  const { auth, aggregate, search, redis } = scenarios;
  await app.register(authRoutes, { auth, ...(redis ? { sessions: redis.sessions } : {}) });
  await app.register(reportRoutes, { layer, aggregate, search });
  if (redis) {
    await app.register(cacheRoutes, { cache: redis.cache });
    await app.register(flowRoutes, { flow: redis.flow, sessions: redis.sessions });
  }
  return app;
}

/**
 * The target as main.ts runs it: real pg pool, the LAB_DATA_LAYER data layer and the upstream
 * client (all sized by LAB_DB_POOL), the Redis client of 14–19 when REDIS_URL is set, closed by `app.close()` after in-flight requests. Not
 * listening: main.ts listens, the micro-benchmarks call inject().
 */
export async function buildTarget(config: TargetConfig): Promise<FastifyInstance> {
  const users = pgUsers(config.databaseUrl, config.dbPool);
  const upstream = upstreamClient(config.upstreamUrl, config.dbPool);
  let layer: DataLayer | undefined;
  let scenarios: ScenarioServices | undefined;
  const closeDeps = async () => {
    await Promise.allSettled([users.close(), upstream.close(), layer?.close(), scenarios?.close()]);
  };
  let app: FastifyInstance;
  try {
    layer = await openDataLayer(config.dataLayer, {
      databaseUrl: config.databaseUrl,
      poolSize: config.dbPool,
    });
    scenarios = await openScenarioServices(config, layer);
    app = await buildApp({ config, users, layer, upstream, log: new RequestLog(), scenarios });
  } catch (error) {
    await closeDeps();
    throw error;
  }
  // Resources outside Fastify close with it, after in-flight requests have finished.
  app.addHook('onClose', closeDeps);
  return app;
}
