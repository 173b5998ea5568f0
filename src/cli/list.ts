import { TARGETS } from '../launcher/registry.ts';
import { HTTP_VARIANTS } from '../scenarios/db-http.ts';
import { GROUP_VARIANTS } from '../scenarios/groups.ts';
import { getScenario, SCENARIOS, type ScenarioDefinition } from '../scenarios/index.ts';
import { textTable } from './format.ts';
import { targetBuilt } from './select.ts';

/**
 * `lab list`: scenarios, targets, data layers and variants — everything a `lab run` selection or
 * a report row can name.
 */

/**
 * Scenarios measured in several variants: the variant is part of every result's key (reports,
 * `lab compare`). Scenario definitions do not list them; the bench files that measure them do.
 */
export const SCENARIO_VARIANTS: Record<string, { variants: string[]; where: string }> = {
  // 09–13: the HTTP suites' rankings (in-process, each variant's own requests; LAB_ENGINE=k6 for
  // the k6 scripts); the in-process claims sit beside them.
  ...Object.fromEntries(
    Object.entries(HTTP_VARIANTS).map(([id, variants]) => [
      id,
      {
        variants: variants.map((v) => v.name),
        where: `bench/db-advanced/http-${id}.bench.ts (in-process or k6; claims: bench/db-advanced/${id.slice(0, 2)}-*)`,
      },
    ]),
  ),
  // 14–19: the HTTP suites' rankings (in-process, 19 k6 only); the in-process claims beside them.
  ...Object.fromEntries(
    Object.entries(GROUP_VARIANTS).map(([id, variants]) => {
      const { category } = getScenario(id);
      const how = variants.every((v) => v.request) ? 'in-process or k6' : 'k6';
      return [
        id,
        {
          variants: variants.map((v) => v.name),
          where: `bench/${category}/http-${id}.bench.ts (${how}; claims: bench/${category}/${id.slice(0, 2)}-*)`,
        },
      ];
    }),
  ),
};

function engines(s: ScenarioDefinition): string {
  // 09–18 run in-process over HTTP with each variant's own requests (src/scenarios/db-http.ts,
  // groups.ts); 19's flow is k6 only.
  const variants = HTTP_VARIANTS[s.id] ?? GROUP_VARIANTS[s.id] ?? [];
  const inprocess = s.request || (variants.length > 0 && variants.every((v) => v.request));
  const list = [s.k6 ? 'k6' : undefined, inprocess ? 'inprocess' : undefined].filter(Boolean);
  return list.length > 0 ? list.join(', ') : 'micro (vitest bench)';
}

export interface Listing {
  scenarios: Array<{
    id: string;
    number: number;
    title: string;
    category: string;
    /** The contract group a target must declare to be measured on it (14–19). */
    group: string | null;
    engines: string[];
    labRun: boolean;
    fixtures: string[];
    mutates: boolean;
    measures: string;
  }>;
  targets: Array<{
    name: string;
    framework: string;
    adapter: string | null;
    dataLayer: string;
    language: string;
    server: string;
    workers: number;
    folder: string;
    isDefault: boolean;
    built: boolean;
    description: string;
  }>;
  dataLayers: Array<{ name: string; description: string; targets: string[] }>;
  variants: Array<{ scenario: string; variants: string[]; where: string }>;
}

export function listing(): Listing {
  const layers = [...new Set(TARGETS.map((t) => t.dataLayer))];
  return {
    scenarios: SCENARIOS.map((s) => ({
      id: s.id,
      number: s.number,
      title: s.title,
      category: s.category,
      group: s.group ?? null,
      engines: engines(s).split(', '),
      labRun: Boolean(s.k6 || s.request),
      fixtures: s.fixtures,
      mutates: s.mutates,
      measures: s.measures,
    })),
    targets: TARGETS.map((t) => ({
      name: t.name,
      framework: t.framework,
      supports: [...t.supports],
      adapter: t.adapter,
      dataLayer: t.dataLayer,
      language: t.language,
      server: t.server,
      workers: t.workers,
      folder: t.folder,
      isDefault: t.isDefault,
      built: targetBuilt(t),
      description: t.description,
    })),
    dataLayers: layers.map((name) => ({
      name,
      // Every manifest describing the layer says the same; the first one speaks for it.
      description: TARGETS.find((t) => t.dataLayer === name)?.dataLayerDescription ?? name,
      targets: TARGETS.filter((t) => t.dataLayer === name).map((t) => t.name),
    })),
    variants: Object.entries(SCENARIO_VARIANTS).map(([scenario, v]) => ({ scenario, ...v })),
  };
}

/** `01–08`, or a list when the numbers are not consecutive. */
function idRange(scenarios: readonly ScenarioDefinition[]): string {
  const numbers = scenarios.map((x) => x.number).sort((a, b) => a - b);
  const two = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  const consecutive = numbers.every((n, i) => i === 0 || n === (numbers[i - 1] as number) + 1);
  if (consecutive && numbers.length > 2) return `${two(numbers[0])}–${two(numbers.at(-1))}`;
  return numbers.map(two).join(', ');
}

export function formatListing(l: Listing = listing()): string {
  const out: string[] = ['Scenarios', ''];
  out.push(
    textTable([
      ['Scenario', 'Engines', 'Fixtures', 'Measures'],
      ...l.scenarios.map((s) => [
        s.group ? `${s.id} [${s.group}]` : s.id,
        s.engines.join(', '),
        s.fixtures.length ? s.fixtures.join(', ') : '—',
        `${s.measures}${s.mutates ? ' (writes; DB restored between runs)' : ''}`,
      ]),
    ]),
  );
  out.push(
    '',
    `lab run measures ${idRange(SCENARIOS.filter((x) => x.request))} with either engine and ${idRange(SCENARIOS.filter((x) => x.k6 && !x.request))} with --engine k6 (their`,
    'variants run in-process in their HTTP suites: see Variants); every scenario runs as vitest',
    'suites: pnpm vitest bench --run bench/<category>/<number>. [group]: only targets declaring',
    'that contract group (supports in their manifest) are measured on the scenario.',
    '',
    'Targets',
    '',
    textTable([
      ['Target', 'Language', 'Framework', 'Data layer', 'Server', 'Description'],
      ...l.targets.map((t) => [
        `${t.name}${t.isDefault ? ' *' : ''}`,
        t.language,
        `${t.framework}${t.adapter ? ` (${t.adapter} adapter)` : ''}`,
        t.dataLayer,
        `${t.server}${t.workers > 1 ? `, ${t.workers} workers` : ''}`,
        `${t.description}${t.built ? '' : ` — not built: pnpm build:targets`}`,
      ]),
    ]),
    '* default targets (no --target / LAB_TARGETS). Groups: all, default, or a language.',
    'A target is a folder with a manifest: src/targets/<name>/target.yaml.',
    '',
    'Data layers',
    '',
    textTable([
      ['Layer', 'Targets', 'What'],
      ...l.dataLayers.map((d) => [d.name, d.targets.join(', '), d.description]),
    ]),
    '',
    'Variants',
    '',
    textTable([
      ['Scenario', 'Variants', 'Measured by'],
      ...l.variants.map((v) => [v.scenario, v.variants.join(', '), v.where]),
    ]),
  );
  return out.join('\n');
}
