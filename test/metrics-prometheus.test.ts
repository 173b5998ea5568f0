import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startUpstream, type Upstream } from '../src/infra/upstream.ts';
import { useLab } from '../src/infra/vitest.ts';
import { type RunningTarget, startTarget } from '../src/launcher/launch.ts';
import { findK6 } from '../src/load/k6/binary.ts';
import { runK6 } from '../src/load/k6/run.ts';
import {
  dashboardQueries,
  eventually,
  findPrometheus,
  type PrometheusServer,
  startPrometheus,
} from './support/prometheus.ts';

/**
 * A real Prometheus (Debian's `prometheus` package, or PROMETHEUS_BIN) with the repository's
 * monitoring/prometheus.yml scrapes a target started with LAB_METRICS=1, found through the
 * launcher's file_sd announcement (LAB_PROMETHEUS_SD_DIR); k6 pushes a short run to it through
 * remote write (LAB_K6_PROMETHEUS_RW_URL); every query of the Grafana dashboard is evaluated.
 * Prometheus is optional, so without it the file is skipped with the reason in its title.
 */

const prometheusBin = findPrometheus();
const skip = prometheusBin
  ? undefined
  : 'no prometheus binary: install Debian package prometheus (scripts/setup.sh) or set PROMETHEUS_BIN';
const k6 = findK6();

describe.skipIf(skip !== undefined)(
  `a real Prometheus scraping a target${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const lab = useLab({ fixtures: ['users'], scale: 0.01 });
    let upstream: Upstream | undefined;
    let prometheus: PrometheusServer | undefined;
    let target: RunningTarget | undefined;
    let k6Ran = false;

    const prom = () => prometheus as PrometheusServer;
    const nonEmpty = async (promql: string) => {
      const result = await prom().query(promql);
      return result.length > 0 ? result : undefined;
    };

    beforeAll(async () => {
      [upstream, prometheus] = await Promise.all([
        startUpstream({ delayMs: 1 }),
        startPrometheus(prometheusBin as string),
      ]);
      target = await startTarget(
        'fastify',
        { DATABASE_URL: lab.pg.url, UPSTREAM_URL: upstream.url },
        { extraEnv: { LAB_METRICS: '1', LAB_PROMETHEUS_SD_DIR: prometheus.sdDir } },
      );
    });

    afterAll(async () => {
      await Promise.all([target?.stop(), upstream?.stop(), prometheus?.stop()]);
    });

    it('finds the target through file_sd and stores its request histogram', async () => {
      const url = (target as RunningTarget).url;
      for (const id of [1, 2, 3, 4, 5]) {
        const response = await fetch(`${url}/users/${id}`);
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
      const up = await eventually(
        `up{job="lab-target"} == 1 (Prometheus ${prom().version}; log:\n${prom().logTail()})`,
        () => nonEmpty('up{job="lab-target", lab_target="fastify"} == 1'),
      );
      expect(up[0]?.metric.instance).toBe(new URL(url).host);
      const reads = await eventually('the /users/:id request count', () =>
        nonEmpty(
          'http_request_duration_seconds_count{job="lab-target", route="/users/:id", method="GET", status="200"} >= 5',
        ),
      );
      expect(reads[0]?.metric).toMatchObject({ lab_target: 'fastify' });
      const info = await nonEmpty('lab_target_info{job="lab-target"}');
      expect(info?.[0]?.metric).toMatchObject({ target: 'fastify', framework: 'fastify' });
      expect(await nonEmpty('nodejs_eventloop_lag_p99_seconds{job="lab-target"}')).toBeDefined();
      expect(await nonEmpty('nodejs_heap_size_used_bytes{job="lab-target"} > 0')).toBeDefined();
      // Route templates only: the ids above created no series of their own.
      const routes = await prom().query(
        'count by (route) (http_request_duration_seconds_count{job="lab-target"})',
      );
      for (const { metric } of routes) expect(metric.route).not.toMatch(/\d/);
    });

    it.skipIf(!k6)(
      `receives k6's remote write${k6 ? '' : ' (skipped: no k6 binary)'}`,
      async () => {
        vi.stubEnv('LAB_K6_PROMETHEUS_RW_URL', `${prom().url}/api/v1/write`);
        try {
          const result = await runK6({
            script: 'k6/basic/01-lightweight.js',
            scenario: '01-lightweight',
            target: 'fastify',
            baseUrl: (target as RunningTarget).url,
            settings: { model: 'closed', durationSeconds: 2, concurrency: 2 },
          });
          expect(result.failure).toBeUndefined();
          expect(result.requests).toBeGreaterThan(0);
        } finally {
          vi.unstubAllEnvs();
        }
        const reqs = await eventually('k6_http_reqs_total from remote write', () =>
          nonEmpty('k6_http_reqs_total{lab_target="fastify", lab_scenario="01-lightweight"}'),
        );
        expect(reqs.length).toBeGreaterThan(0);
        expect(await nonEmpty('k6_http_req_duration_p95{lab_target="fastify"} > 0')).toBeDefined();
        k6Ran = true;
      },
    );

    it('evaluates every query of the Grafana dashboard, with data for the target panels', async () => {
      // Grafana's variables, as the dashboard's defaults resolve them.
      const resolve = (expr: string) =>
        expr.replaceAll('$__rate_interval', '15s').replaceAll('$target', '.*');
      const empty: string[] = [];
      for (const { panel, expr } of dashboardQueries()) {
        const result = await prom().query(resolve(expr)); // throws on invalid PromQL
        if (result.length === 0) empty.push(`${panel}: ${expr}`);
      }
      // No cAdvisor here, no GC necessarily yet, and k6 only when it ran: those may be empty.
      const mayBeEmpty = (line: string) =>
        /container_|nodejs_gc_/.test(line) || (!k6Ran && /k6_/.test(line));
      expect(empty.filter((line) => !mayBeEmpty(line))).toEqual([]);
    });
  },
);
