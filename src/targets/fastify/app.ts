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
import { upstreamClient } from '../shared/upstream-client.ts';
import { dbRoutes } from './db.ts';
import { installErrorHandlers } from './errors.ts';
import { requireBody } from './hooks.ts';
import { protectedRoutes } from './protected.ts';
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
}

/** The Fastify app of the contract; not listening, so it can be exercised with inject(). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, users, layer, upstream, log } = deps;
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
  return app;
}

/**
 * The target as main.ts runs it: real pg pool, the LAB_DATA_LAYER data layer and the upstream
 * client (all sized by LAB_DB_POOL), closed by `app.close()` after in-flight requests. Not
 * listening: main.ts listens, the micro-benchmarks call inject().
 */
export async function buildTarget(config: TargetConfig): Promise<FastifyInstance> {
  const users = pgUsers(config.databaseUrl, config.dbPool);
  const upstream = upstreamClient(config.upstreamUrl, config.dbPool);
  let layer: DataLayer | undefined;
  const closeDeps = async () => {
    await Promise.allSettled([users.close(), upstream.close(), layer?.close()]);
  };
  let app: FastifyInstance;
  try {
    layer = await openDataLayer(config.dataLayer, {
      databaseUrl: config.databaseUrl,
      poolSize: config.dbPool,
    });
    app = await buildApp({ config, users, layer, upstream, log: new RequestLog() });
  } catch (error) {
    await closeDeps();
    throw error;
  }
  // Resources outside Fastify close with it, after in-flight requests have finished.
  app.addHook('onClose', closeDeps);
  return app;
}
