import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../src/launcher/registry.ts';
import { announceScrapeTarget } from '../src/launcher/scrape-discovery.ts';
import { prometheusRemoteWrite } from '../src/load/k6/run.ts';
import { histogramSeries, type MetricFamily, parsePrometheusText } from './support/prom-text.ts';
import { dashboardQueries, findPrometheus, labPrometheusConfig } from './support/prometheus.ts';

/**
 * monitoring/: the compose file, Prometheus config and Grafana provisioning parse and fit
 * together (no Docker here: the files are checked, not run; test/metrics-prometheus.test.ts runs
 * the Prometheus config and the dashboard's queries against a real Prometheus when one is
 * installed). Also the launcher's file_sd announcements and k6's remote-write switch.
 */

const MONITORING = join(REPO_ROOT, 'monitoring');
const read = (path: string) => readFileSync(join(MONITORING, path), 'utf8');
const yamlFile = <T>(path: string) => parse(read(path)) as T;

interface ComposeService {
  image: string;
  network_mode?: string;
  command?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
}
const compose = yamlFile<{ services: Record<string, ComposeService> }>('docker-compose.yml');
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`no ${name} service in docker-compose.yml`);
  return found;
};
/** `--name=value` from a service's command. */
const flag = (name: string, option: string) =>
  service(name)
    .command?.find((arg) => arg.startsWith(`--${option}=`))
    ?.slice(option.length + 3);

interface DashboardTarget {
  expr: string;
  refId: string;
  datasource?: { uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string };
  targets?: DashboardTarget[];
}
/** Grafana's datasource variable, as panels reference it. */
const DATASOURCE_VARIABLE = ['$', '{datasource}'].join('');
const DASHBOARD_FILE = 'grafana/dashboards/backend-benchmark-lab.json';
const dashboard = JSON.parse(read(DASHBOARD_FILE)) as {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown }[] };
};

describe('monitoring/docker-compose.yml', () => {
  it('runs Prometheus, Grafana and cAdvisor from pinned images on the host network', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['cadvisor', 'grafana', 'prometheus']);
    for (const [name, { image, network_mode }] of Object.entries(compose.services)) {
      // A fixed x.y.z tag: never `latest` or a floating major.
      expect(image, name).toMatch(/^[\w./-]+:v?\d+\.\d+\.\d+$/);
      expect(network_mode, name).toBe('host');
    }
  });

  it('mounts files that exist, and turns the remote-write receiver on', () => {
    for (const [name, { volumes = [] }] of Object.entries(compose.services)) {
      for (const volume of volumes) {
        const source = volume.split(':')[0] as string;
        if (source.startsWith('./'))
          expect(existsSync(join(MONITORING, source)), `${name}: ${source}`).toBe(true);
      }
    }
    expect(service('prometheus').command).toContain('--web.enable-remote-write-receiver');
    expect(service('prometheus').volumes).toEqual(
      expect.arrayContaining([
        './prometheus.yml:/etc/prometheus/prometheus.yml:ro',
        './targets:/etc/prometheus/targets:ro',
      ]),
    );
  });
});

describe('monitoring/prometheus.yml', () => {
  interface Job {
    job_name: string;
    metrics_path?: string;
    file_sd_configs?: { files: string[] }[];
    static_configs?: { targets: string[] }[];
  }
  const config = yamlFile<{ scrape_configs: Job[] }>('prometheus.yml');
  const job = (name: string): Job => {
    const found = config.scrape_configs.find((candidate) => candidate.job_name === name);
    if (!found) throw new Error(`no ${name} job`);
    return found;
  };

  it('discovers lab targets through the mounted file_sd dir and scrapes cAdvisor and itself', () => {
    expect(job('lab-target').metrics_path).toBe('/metrics');
    expect(job('lab-target').file_sd_configs).toEqual([
      expect.objectContaining({ files: ['/etc/prometheus/targets/*.json'] }),
    ]);
    expect(job('cadvisor').static_configs).toEqual([
      { targets: [`${flag('cadvisor', 'listen_ip')}:${flag('cadvisor', 'port')}`] },
    ]);
    expect(job('prometheus').static_configs).toEqual([
      { targets: [flag('prometheus', 'web.listen-address')] },
    ]);
  });

  it('is accepted by promtool when Prometheus is installed', (context) => {
    const prometheus = findPrometheus();
    const promtool = prometheus && join(prometheus, '../promtool');
    if (!promtool || !existsSync(promtool)) {
      context.skip('no promtool (Debian package prometheus)');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'lab-promtool-'));
    try {
      const file = join(dir, 'prometheus.yml');
      writeFileSync(file, read('prometheus.yml'));
      expect(execFileSync(promtool, ['check', 'config', file], { encoding: 'utf8' })).toMatch(
        /SUCCESS/,
      );
      // The test server's variant (paths and ports of this machine) too.
      writeFileSync(file, labPrometheusConfig(9999, join(dir, 'targets')));
      expect(execFileSync(promtool, ['check', 'config', file], { encoding: 'utf8' })).toMatch(
        /SUCCESS/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ships a file_sd example in the format the launcher writes', () => {
    expect(JSON.parse(read('targets/manual.json.example'))).toEqual([
      { targets: ['127.0.0.1:3000'], labels: { lab_target: 'fastify' } },
    ]);
  });
});

describe('monitoring/grafana', () => {
  const datasources = yamlFile<{
    datasources: { uid: string; type: string; url: string; isDefault: boolean }[];
  }>('grafana/provisioning/datasources/prometheus.yml').datasources;
  const providers = yamlFile<{ providers: { type: string; options: { path: string } }[] }>(
    'grafana/provisioning/dashboards/lab.yml',
  ).providers;

  it('provisions the Prometheus of the compose file as the default datasource', () => {
    expect(datasources).toHaveLength(1);
    expect(datasources[0]).toMatchObject({
      type: 'prometheus',
      uid: 'lab-prometheus',
      url: `http://${flag('prometheus', 'web.listen-address')}`,
      isDefault: true,
    });
  });

  it('loads the dashboards from the dir the compose file mounts', () => {
    expect(providers).toEqual([
      expect.objectContaining({
        type: 'file',
        options: expect.objectContaining({ path: '/etc/grafana/dashboards' }),
      }),
    ]);
    expect(service('grafana').volumes).toContain('./grafana/dashboards:/etc/grafana/dashboards:ro');
    expect(service('grafana').environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(
      `/etc/grafana/dashboards/${DASHBOARD_FILE.split('/').pop()}`,
    );
  });

  it('has a well-formed dashboard: unique ids, panels within the grid, datasource variable', () => {
    expect(dashboard.uid).toBe('backend-benchmark-lab');
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      if (panel.type === 'row') continue;
      expect(panel.datasource?.uid, panel.title).toBe(DATASOURCE_VARIABLE);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.expr.trim(), panel.title).not.toBe('');
        expect(target.datasource?.uid, panel.title).toBe(DATASOURCE_VARIABLE);
      }
    }
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual([
      'datasource',
      'target',
    ]);
  });

  it('charts request rate, latency percentiles, event-loop lag, heap, k6 and containers', () => {
    const exprs = dashboardQueries().map((query) => query.expr);
    const uses = (pattern: RegExp) => exprs.some((expr) => pattern.test(expr));
    expect(uses(/rate\(http_request_duration_seconds_count\[/)).toBe(true);
    for (const quantile of ['0.5', '0.95', '0.99']) {
      expect(
        uses(
          new RegExp(
            `histogram_quantile\\(${quantile.replace('.', '\\.')}, .*http_request_duration_seconds_bucket`,
          ),
        ),
        quantile,
      ).toBe(true);
    }
    expect(uses(/nodejs_eventloop_lag_p99_seconds/)).toBe(true);
    expect(uses(/nodejs_heap_size_used_bytes/)).toBe(true);
    expect(uses(/k6_http_reqs_total/)).toBe(true);
    expect(uses(/k6_http_req_duration_p95/)).toBe(true);
    expect(uses(/container_cpu_usage_seconds_total/)).toBe(true);
    expect(uses(/container_memory_working_set_bytes/)).toBe(true);
  });
});

describe('file_sd announcements (LAB_PROMETHEUS_SD_DIR)', () => {
  it('needs both LAB_METRICS=1 and a dir', () => {
    expect(announceScrapeTarget('fastify', 'http://127.0.0.1:4321', {})).toBeUndefined();
    expect(
      announceScrapeTarget('fastify', 'http://127.0.0.1:4321', { LAB_PROMETHEUS_SD_DIR: '/x' }),
    ).toBeUndefined();
    expect(
      announceScrapeTarget('fastify', 'http://127.0.0.1:4321', {
        LAB_METRICS: '0',
        LAB_PROMETHEUS_SD_DIR: '/x',
      }),
    ).toBeUndefined();
  });

  it('writes one file per target in file_sd format and removes it on withdraw', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-sd-'));
    try {
      const announcement = announceScrapeTarget('nestjs-fastify', 'http://127.0.0.1:4321', {
        LAB_METRICS: '1',
        LAB_PROMETHEUS_SD_DIR: join(dir, 'targets'),
      });
      expect(announcement?.file).toBe(join(dir, 'targets', 'lab-nestjs-fastify-4321.json'));
      expect(JSON.parse(readFileSync(announcement?.file as string, 'utf8'))).toEqual([
        { targets: ['127.0.0.1:4321'], labels: { lab_target: 'nestjs-fastify' } },
      ]);
      announcement?.withdraw();
      expect(existsSync(announcement?.file as string)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('k6 remote write (LAB_K6_PROMETHEUS_RW_URL)', () => {
  const tags = { target: 'fastify', scenario: '03-db-read' };

  it('is off without the variable', () => {
    expect(
      prometheusRemoteWrite({ K6_PROMETHEUS_RW_SERVER_URL: 'http://x' }, tags),
    ).toBeUndefined();
    expect(prometheusRemoteWrite({ LAB_K6_PROMETHEUS_RW_URL: '' }, tags)).toBeUndefined();
  });

  it('adds the output, the lab tags and the server URL, with defaults a user can override', () => {
    const url = 'http://127.0.0.1:9090/api/v1/write';
    expect(prometheusRemoteWrite({ LAB_K6_PROMETHEUS_RW_URL: url }, tags)).toEqual({
      args: [
        '--out',
        'experimental-prometheus-rw',
        '--tag',
        'lab_target=fastify',
        '--tag',
        'lab_scenario=03-db-read',
      ],
      env: {
        K6_PROMETHEUS_RW_SERVER_URL: url,
        K6_PROMETHEUS_RW_TREND_STATS: 'p(50),p(95),p(99),max',
        K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
      },
    });
    const custom = prometheusRemoteWrite(
      {
        LAB_K6_PROMETHEUS_RW_URL: url,
        K6_PROMETHEUS_RW_TREND_STATS: 'p(90)',
        K6_PROMETHEUS_RW_USERNAME: 'lab',
        K6_PROMETHEUS_RW_SERVER_URL: 'http://ignored',
        K6_VUS: '1000',
      },
      { ...tags, variant: 'pool-20' },
    );
    expect(custom?.args.slice(-2)).toEqual(['--tag', 'lab_variant=pool-20']);
    expect(custom?.env).toEqual({
      K6_PROMETHEUS_RW_SERVER_URL: url,
      K6_PROMETHEUS_RW_TREND_STATS: 'p(90)',
      K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
      K6_PROMETHEUS_RW_USERNAME: 'lab',
    });
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() =>
      prometheusRemoteWrite({ LAB_K6_PROMETHEUS_RW_URL: 'localhost:9090' }, tags),
    ).toThrow(/LAB_K6_PROMETHEUS_RW_URL/);
  });
});

describe('the strict text-format parser the metrics tests use', () => {
  it('reads the format specification example, escapes and labelled histograms included', () => {
    const families = parsePrometheusText(
      [
        '# HELP http_requests_total The total number of HTTP requests.',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="post",code="200"} 1027 1395066363000',
        'http_requests_total{method="post",code="400"}    3 1395066363000',
        '',
        '# Escaping in label values:',
        'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
        'metric_without_timestamp_and_labels 12.47',
        'something_weird{problem="division by zero"} +Inf -3982045',
        '# HELP d Request duration\\nin seconds.',
        '# TYPE d histogram',
        'd_bucket{le="0.1",route="/a"} 1',
        'd_bucket{le="+Inf",route="/a"} 2',
        'd_sum{route="/a"} 0.3',
        'd_count{route="/a"} 2',
        'd_bucket{route="/b",le="0.1"} 0',
        'd_bucket{route="/b",le="+Inf"} 1',
        'd_sum{route="/b"} 2',
        'd_count{route="/b"} 1',
      ].join('\n'),
    );
    expect([...families.keys()]).toEqual([
      'http_requests_total',
      'msdos_file_access_time_seconds',
      'metric_without_timestamp_and_labels',
      'something_weird',
      'd',
    ]);
    expect(families.get('http_requests_total')?.samples[1]).toEqual({
      name: 'http_requests_total',
      labels: { method: 'post', code: '400' },
      value: 3,
    });
    expect(families.get('msdos_file_access_time_seconds')?.samples[0]?.labels).toEqual({
      path: 'C:\\DIR\\FILE.TXT',
      error: 'Cannot find file:\n"FILE.TXT"',
    });
    expect(families.get('something_weird')?.samples[0]?.value).toBe(Number.POSITIVE_INFINITY);
    const d = families.get('d') as MetricFamily;
    expect(d.help).toBe('Request duration\nin seconds.');
    expect(histogramSeries(d)).toEqual([
      {
        labels: { route: '/a' },
        buckets: new Map([
          ['0.1', 1],
          ['+Inf', 2],
        ]),
        sum: 0.3,
        count: 2,
      },
      {
        labels: { route: '/b' },
        buckets: new Map([
          ['0.1', 0],
          ['+Inf', 1],
        ]),
        sum: 2,
        count: 1,
      },
    ]);
  });

  it('refuses what the format does not allow', () => {
    const bad = [
      'metric{a="1"',
      'metric{a=1} 1',
      'metric 1 2 3',
      'metric one',
      '# TYPE m sometype',
      'a 1\nb 1\na 2',
      '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1',
    ];
    for (const text of bad) expect(() => parsePrometheusText(text), text).toThrow();
  });
});
