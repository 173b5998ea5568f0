import express, { type Express } from 'express';
import { openDataLayer } from '../../data/index.ts';
import { pgUsers } from '../../data/pg/users.ts';
import type { TargetConfig } from '../shared/config.ts';
import { installedVersion, targetMeta, targetNameFor } from '../shared/meta.ts';
import { mountExpressMetrics, targetMetrics } from '../shared/metrics.ts';
import { RequestLog } from '../shared/request-log.ts';
import { openScenarioServices, type ScenarioServices } from '../shared/scenario-services.ts';
import { upstreamClient } from '../shared/upstream-client.ts';
import { authRoutes } from './auth.ts';
import { cacheRoutes } from './cache.ts';
import { dbRoutes } from './db.ts';
import type { AppDeps } from './deps.ts';
import { errorHandler, notFound } from './errors.ts';
import { flowRoutes } from './flow.ts';
import { bearerAuth, jsonBody, requestLogger } from './middleware.ts';
import { reportRoutes } from './reports.ts';
import { uploadHandler } from './upload.ts';
import { echoBody, userRoutes } from './users.ts';

/** The Express app of the contract; no listening here, so it can be exercised in-process. */
export function buildApp(deps: AppDeps): Express {
  const { config, upstream, log, layer, scenarios } = deps;
  const meta = targetMeta({
    target: targetNameFor('express', layer.name),
    framework: 'express',
    frameworkVersion: installedVersion('express'),
    adapter: null,
    dataLayer: layer.name,
    dbPool: config.dbPool,
  });

  const app = express();
  app.disable('x-powered-by');
  // LAB_METRICS=1 only; first, so its timer covers every other middleware.
  if (config.metrics) mountExpressMetrics(app, targetMetrics(meta));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/meta', (_req, res) => {
    res.json(meta);
  });
  app.post('/echo', jsonBody, (req, res) => {
    res.json(echoBody(req.body));
  });
  userRoutes(app, deps);
  app.get('/external', async (_req, res) => {
    res.json(await upstream.fetchData());
  });
  app.get('/protected', requestLogger(log), bearerAuth(config.authSecret), (_req, res) => {
    res.json({ subject: res.locals.subject as string, logged: log.size });
  });
  app.post('/upload', uploadHandler(config.uploadLimitBytes));
  dbRoutes(app, layer);
  // 14–19; without Redis no cache, sessions or flow (unknown routes, 404).
  authRoutes(app, scenarios.auth, scenarios.redis?.sessions);
  reportRoutes(app, layer, scenarios.aggregate, scenarios.search);
  if (scenarios.redis) {
    cacheRoutes(app, scenarios.redis.cache);
    flowRoutes(app, scenarios.redis.flow, scenarios.redis.sessions);
  }

  app.use(notFound);
  app.use(errorHandler);
  return app;
}

/** The app with the resources it owns; close() ends them (call it once the server is closed). */
export interface ExpressTarget {
  app: Express;
  close(): Promise<void>;
}

/**
 * The target as main.ts runs it: real pg pool, the LAB_DATA_LAYER data layer and the upstream
 * client, all sized by LAB_DB_POOL, and the Redis client of 14–19 when REDIS_URL is set. Not listening: main.ts wraps it in an HTTP server, the
 * micro-benchmarks inject requests.
 */
export async function buildTarget(config: TargetConfig): Promise<ExpressTarget> {
  const users = pgUsers(config.databaseUrl, config.dbPool);
  const upstream = upstreamClient(config.upstreamUrl, config.dbPool);
  let layer: Awaited<ReturnType<typeof openDataLayer>> | undefined;
  let scenarios: ScenarioServices | undefined;
  const close = async () => {
    await Promise.allSettled([users.close(), upstream.close(), layer?.close(), scenarios?.close()]);
  };
  try {
    layer = await openDataLayer(config.dataLayer, {
      databaseUrl: config.databaseUrl,
      poolSize: config.dbPool,
    });
    scenarios = await openScenarioServices(config, layer);
    const app = buildApp({ config, users, layer, upstream, log: new RequestLog(), scenarios });
    return { app, close };
  } catch (error) {
    await close();
    throw error;
  }
}
