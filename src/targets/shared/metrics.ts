import { createRequire } from 'node:module';
import type { Express, NextFunction, Request, Response } from 'express';
import type { FastifyInstance } from 'fastify';
import type * as PromClient from 'prom-client';
import type { TargetMeta } from './meta.ts';

/**
 * Prometheus metrics for a target process, on `GET /metrics`, only with `LAB_METRICS=1`
 * (monitoring/README.md). Outside the contract: without the flag nothing here is loaded or
 * installed (prom-client is required lazily), so `/metrics` answers the contract's 404 and the
 * measured code paths are exactly those of an unmonitored run.
 *
 * One registry per process:
 * - `http_request_duration_seconds` histogram, labels `method`, `route` (the framework's route
 *   template such as `/users/:id`, or `unmatched`: never the raw URL, so cardinality stays
 *   bounded), `status`; scrapes of `/metrics` itself are not counted;
 * - prom-client's default metrics: event-loop lag (`nodejs_eventloop_lag_*`), heap
 *   (`nodejs_heap_*`), GC (`nodejs_gc_duration_seconds`), process CPU and memory;
 * - `lab_target_info{target, framework, version} 1`.
 */

export const METRICS_PATH = '/metrics';
/** The `route` label of requests that matched no route (404s of unknown paths, 405s of undeclared methods). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Request-duration buckets in seconds: benchmark responses take from well under a millisecond
 * (health, echo) to tens of milliseconds (upstream call), so the low end is finer than
 * prom-client's defaults.
 */
export const DURATION_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** What `lab_target_info` says: the target's `GET /meta` fields (version: the installed one). */
export type TargetInfo = Pick<TargetMeta, 'target' | 'framework' | 'frameworkVersion'>;

export interface TargetMetrics {
  /** `text/plain; version=0.0.4; charset=utf-8`: the Prometheus text format. */
  readonly contentType: string;
  /** Records one finished response. `route` is the route template, undefined when none matched. */
  observe(method: string, route: string | undefined, status: number, seconds: number): void;
  /** The exposition text for a scrape. */
  render(): Promise<string>;
}

/** `LAB_METRICS`: `1` turns metrics on; unset, empty or `0` leaves them off; anything else throws. */
export function metricsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env.LAB_METRICS;
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(`LAB_METRICS=${JSON.stringify(raw)} is invalid: expected 1 (on) or 0 (off)`);
}

type DurationHistogram = PromClient.Histogram<'method' | 'route' | 'status'>;

interface ProcessMetrics {
  registry: PromClient.Registry;
  duration: DurationHistogram;
  info: PromClient.Gauge<'target' | 'framework' | 'version'>;
  /** Histogram children by `method route status`: prom-client would hash the labels each time. */
  children: Map<string, ReturnType<DurationHistogram['labels']>>;
}

let processMetrics: ProcessMetrics | undefined;

function createProcessMetrics(): ProcessMetrics {
  // Required here, not imported at the top: an unmonitored target never loads prom-client.
  const client = createRequire(import.meta.url)('prom-client') as typeof PromClient;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request reaching the framework to the response being handed to the OS, by route template.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const info = new client.Gauge({
    name: 'lab_target_info',
    help: 'The benchmark target this process runs (always 1).',
    labelNames: ['target', 'framework', 'version'] as const,
    registers: [registry],
  });
  return { registry, duration, info, children: new Map() };
}

/**
 * The process's metrics, created on first use, with `lab_target_info` set for `info`. Several
 * targets built in one process (the in-process micro-benchmarks) share the registry.
 */
export function targetMetrics(info: TargetInfo): TargetMetrics {
  processMetrics ??= createProcessMetrics();
  const metrics = processMetrics;
  metrics.info.set(
    { target: info.target, framework: info.framework, version: info.frameworkVersion },
    1,
  );
  return {
    contentType: metrics.registry.contentType,
    observe(method, route, status, seconds) {
      const labels = [method, route ?? UNMATCHED_ROUTE, String(status)] as const;
      const key = labels.join(' ');
      let child = metrics.children.get(key);
      if (!child) {
        child = metrics.duration.labels(...labels);
        metrics.children.set(key, child);
      }
      child.observe(seconds);
    },
    render: () => metrics.registry.metrics(),
  };
}

/** Express's route template for a request: `req.route` is set once a route matched. */
function expressRoute(req: Request): string | undefined {
  const path: unknown = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : undefined;
}

/**
 * Mounts `/metrics` and the request timer on an Express app (also NestJS's Express adapter
 * instance). Call it before any other middleware, so the timer covers body parsing too.
 */
export function mountExpressMetrics(app: Express, metrics: TargetMetrics): void {
  // First, so scrapes end here and never reach the timer.
  app.get(METRICS_PATH, (_req: Request, res: Response, next: NextFunction) => {
    metrics.render().then((text) => {
      res.setHeader('Content-Type', metrics.contentType);
      res.end(text);
    }, next);
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const start = performance.now();
    res.once('finish', () => {
      metrics.observe(
        req.method,
        expressRoute(req),
        res.statusCode,
        (performance.now() - start) / 1000,
      );
    });
    next();
  });
}

/**
 * Mounts `/metrics` and the request timer on a Fastify instance (also NestJS's Fastify adapter
 * instance). Call it before routes and plugins are registered; the timer is Fastify's own
 * (`reply.elapsedTime`, from routing to the response being sent).
 */
export function mountFastifyMetrics(app: FastifyInstance, metrics: TargetMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route !== METRICS_PATH) {
      metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    }
    done();
  });
  app.get(METRICS_PATH, async (_request, reply) => {
    const text = await metrics.render();
    return reply.type(metrics.contentType).send(text);
  });
}
