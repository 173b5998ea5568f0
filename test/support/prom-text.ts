/**
 * A strict parser for the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), for tests: it throws on
 * anything the format does not allow rather than guessing, and checks histogram invariants.
 *
 * Why not a library: the only JavaScript one on npm, parse-prometheus-text-format 1.1.1
 * (unmaintained since 2019), drops the labels of histogram series and merges them into one, so it
 * cannot tell `route="/users/:id"` from `route="unmatched"`. Prometheus's own Go parser is used
 * as well where it is installed (`promtool check metrics`, test/metrics.test.ts), and a real
 * Prometheus scrapes a target in test/metrics-prometheus.test.ts.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (`…_bucket`, `…_sum`, `…_count` for histograms). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

export interface HistogramSeries {
  /** The series' labels, without `le`. */
  labels: Record<string, string>;
  /** Cumulative counts by upper bound, as written (`0.005`, `+Inf`). */
  buckets: Map<string, number>;
  sum: number;
  count: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(raw: string, line: number): number {
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  if (raw === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) {
    throw new Error(`line ${line}: invalid sample value ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

function unescapeHelp(text: string): string {
  return text.replace(/\\([\\n])/g, (_, char: string) => (char === 'n' ? '\n' : '\\'));
}

/** `{a="x",b="y"}` starting at `text[0] === '{'`; returns the labels and what follows. */
function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  const fail = (what: string): never => {
    throw new Error(`line ${line}: ${what} in labels at column ${i + 1}`);
  };
  for (;;) {
    while (text[i] === ' ') i++;
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const name = LABEL_NAME.exec(text.slice(i))?.[0] ?? fail('expected a label name');
    i += name.length;
    if (text.slice(i, i + 2) !== '="') fail('expected ="');
    i += 2;
    let value = '';
    for (;;) {
      const char = text[i];
      if (char === undefined) fail('unterminated label value');
      if (char === '"') break;
      if (char === '\\') {
        const next = text[i + 1];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else fail('invalid escape');
        i += 2;
        continue;
      }
      value += char;
      i++;
    }
    i++;
    if (Object.hasOwn(labels, name)) fail(`duplicate label ${name}`);
    labels[name] = value;
    while (text[i] === ' ') i++;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail('expected , or }');
  }
}

/** Which family a sample named `name` belongs to, given the family being read. */
function belongsTo(family: MetricFamily | undefined, name: string): boolean {
  if (!family) return false;
  if (name === family.name) return family.type !== 'histogram';
  const suffixes =
    family.type === 'histogram'
      ? ['_bucket', '_sum', '_count']
      : family.type === 'summary'
        ? ['_sum', '_count']
        : [];
  return suffixes.some((suffix) => name === `${family.name}${suffix}`);
}

/** Parses an exposition; families by name, in order. Throws on any violation of the format. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const closed = new Set<string>();
  let current: MetricFamily | undefined;
  const open = (name: string, line: number): MetricFamily => {
    if (current?.name === name) return current;
    if (current) closed.add(current.name);
    if (closed.has(name)) throw new Error(`line ${line}: samples of ${name} are not contiguous`);
    const family = families.get(name) ?? { name, help: '', type: 'untyped' as const, samples: [] };
    families.set(name, family);
    current = family;
    return family;
  };

  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (content === '') return;
    if (content.startsWith('#')) {
      const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(content);
      if (!match) return; // a plain comment
      const [, keyword, name = '', rest = ''] = match;
      if (!NAME.test(name) || NAME.exec(name)?.[0] !== name) {
        throw new Error(`line ${line}: invalid metric name ${JSON.stringify(name)}`);
      }
      const family = open(name, line);
      if (keyword === 'HELP') {
        family.help = unescapeHelp(rest);
      } else {
        const type = rest.trim() as MetricType;
        if (!TYPES.has(type)) throw new Error(`line ${line}: unknown type ${JSON.stringify(type)}`);
        if (family.samples.length > 0)
          throw new Error(`line ${line}: TYPE of ${name} after samples`);
        family.type = type;
      }
      return;
    }
    const name = NAME.exec(content)?.[0];
    if (!name) throw new Error(`line ${line}: expected a metric name: ${content}`);
    let rest = content.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
    const fields = rest.trim().split(/\s+/);
    if (fields.length < 1 || fields.length > 2 || fields[0] === '') {
      throw new Error(`line ${line}: expected a value and an optional timestamp: ${content}`);
    }
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) {
      throw new Error(`line ${line}: invalid timestamp ${fields[1]}`);
    }
    const value = parseValue(fields[0] as string, line);
    const family = belongsTo(current, name) ? (current as MetricFamily) : open(name, line);
    family.samples.push({ name, labels, value });
  });
  for (const family of families.values()) {
    if (family.type === 'histogram') histogramSeries(family); // validates the invariants
  }
  return families;
}

const labelKey = (labels: Record<string, string>) =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * The series of a histogram family, grouped by labels (without `le`); throws unless each has
 * non-decreasing cumulative buckets ending in `+Inf`, and `+Inf` equals `_count`.
 */
export function histogramSeries(family: MetricFamily): HistogramSeries[] {
  if (family.type !== 'histogram') throw new Error(`${family.name} is a ${family.type}`);
  const series = new Map<string, HistogramSeries>();
  const get = (labels: Record<string, string>) => {
    const key = labelKey(labels);
    let found = series.get(key);
    if (!found) {
      found = { labels, buckets: new Map(), sum: Number.NaN, count: Number.NaN };
      series.set(key, found);
    }
    return found;
  };
  for (const { name, labels, value } of family.samples) {
    if (name.endsWith('_bucket')) {
      const { le, ...rest } = labels;
      if (le === undefined) throw new Error(`${name} without le`);
      get(rest).buckets.set(le, value);
    } else if (name.endsWith('_sum')) get(labels).sum = value;
    else if (name.endsWith('_count')) get(labels).count = value;
    else throw new Error(`${name}: not a histogram sample name`);
  }
  for (const { labels, buckets, sum, count } of series.values()) {
    const what = `${family.name}${labelKey(labels)}`;
    if (Number.isNaN(sum) || Number.isNaN(count)) throw new Error(`${what}: no _sum or _count`);
    if (buckets.get('+Inf') !== count) throw new Error(`${what}: +Inf bucket is not _count`);
    let previous = Number.NEGATIVE_INFINITY;
    let previousCount = 0;
    for (const [le, cumulative] of [...buckets].sort(
      ([a], [b]) => parseValue(a, 0) - parseValue(b, 0),
    )) {
      const bound = parseValue(le, 0);
      if (bound <= previous || cumulative < previousCount) {
        throw new Error(`${what}: buckets are not cumulative at le=${le}`);
      }
      previous = bound;
      previousCount = cumulative;
    }
  }
  return [...series.values()];
}
