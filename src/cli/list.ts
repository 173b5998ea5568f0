import { SCENARIOS, type ScenarioDefinition } from '../scenarios/index.ts';
import { TARGETS } from '../targets/registry.ts';
import { textTable } from './format.ts';
import { targetBuilt } from './select.ts';

/**
 * `lab list`: scenarios, targets, data layers and variants — everything a `lab run` selection or
 * a report row can name.
 */

/** What each data layer of the registry is. New layers (ORMs, scenarios 10–13) add a line. */
const DATA_LAYERS: Record<string, string> = {
  pg: 'raw node-postgres (`pg`), hand-written SQL, pool of LAB_DB_POOL (default 10)',
  typeorm: 'TypeORM (EntitySchema, repositories, QueryBuilder) behind /db/… (LAB_DATA_LAYER)',
  mikroorm: 'MikroORM (defineEntity, forked EntityManager) behind /db/… (LAB_DATA_LAYER)',
};

/**
 * Scenarios measured in several variants: the variant is part of every result's key (reports,
 * `lab compare`). Scenario definitions do not list them; the bench files that measure them do.
 */
export const SCENARIO_VARIANTS: Record<string, { variants: string[]; where: string }> = {
  '09-db-pagination': {
    variants: ['offset', 'cursor'],
    where: 'bench/db-advanced/09-pagination.bench.ts (in-process, raw pg)',
  },
};

function engines(s: ScenarioDefinition): string {
  const list = [s.k6 ? 'k6' : undefined, s.request ? 'inprocess' : undefined].filter(Boolean);
  return list.length > 0 ? list.join(', ') : 'micro (vitest bench)';
}

export interface Listing {
  scenarios: Array<{
    id: string;
    number: number;
    title: string;
    category: string;
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
    entry: string;
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
      engines: engines(s).split(', '),
      labRun: Boolean(s.k6 || s.request),
      fixtures: s.fixtures,
      mutates: s.mutates,
      measures: s.measures,
    })),
    targets: TARGETS.map((t) => ({
      name: t.name,
      framework: t.framework,
      adapter: t.adapter,
      dataLayer: t.dataLayer,
      entry: t.entry,
      built: targetBuilt(t),
      description: t.description,
    })),
    dataLayers: layers.map((name) => ({
      name,
      description: DATA_LAYERS[name] ?? name,
      targets: TARGETS.filter((t) => t.dataLayer === name).map((t) => t.name),
    })),
    variants: Object.entries(SCENARIO_VARIANTS).map(([scenario, v]) => ({ scenario, ...v })),
  };
}

export function formatListing(l: Listing = listing()): string {
  const out: string[] = ['Scenarios', ''];
  out.push(
    textTable([
      ['Scenario', 'Engines', 'Fixtures', 'Measures'],
      ...l.scenarios.map((s) => [
        s.id,
        s.engines.join(', '),
        s.fixtures.length ? s.fixtures.join(', ') : '—',
        `${s.measures}${s.mutates ? ' (writes; DB restored between runs)' : ''}`,
      ]),
    ]),
  );
  out.push(
    '',
    'lab run measures the k6 / inprocess ones (--scenario 01,03 or full ids); the others run as',
    'vitest suites: pnpm vitest bench --run bench/<category>/<number>.',
    '',
    'Targets',
    '',
    textTable([
      ['Target', 'Framework', 'Data layer', 'Description'],
      ...l.targets.map((t) => [
        t.name,
        `${t.framework}${t.adapter ? ` (${t.adapter} adapter)` : ''}`,
        t.dataLayer,
        `${t.description}${t.built ? '' : ` — not built: pnpm build:targets`}`,
      ]),
    ]),
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
