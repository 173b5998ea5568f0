import { type HttpMethod, loadContract, type OpenApiDocument } from './index.ts';

/**
 * The contract's paths and the methods each answers, as targets route them: an undeclared method
 * on a path the contract has is 405 `method_not_allowed` with an `Allow` header; a path it does
 * not have is 404 `not_found` (docs/contract.md, "Errors"). HEAD is allowed wherever GET is
 * (answered like GET, without a body); OPTIONS is not special.
 */
export interface ContractRoute {
  /** As in the YAML, e.g. `/users/{id}`. */
  template: string;
  /** Matches request paths (no query) of this template; a parameter is one non-empty segment. */
  pattern: RegExp;
  /** What `Allow` lists, upper case, in ALLOW_ORDER. */
  allowed: string[];
  /** Its operations' contract group (`basic`, `db` under /db/, else `x-contract-group`). */
  group: string;
  /** Served only with a Redis (`x-needs-redis`). */
  needsRedis: boolean;
  /** Template parameters: a literal path wins over a templated one (`/cache/users/warm`). */
  parameters: number;
}

/** What a target serves of the contract: its groups, and whether it has a Redis. */
export interface ServedContract {
  groups: readonly string[];
  redis: boolean;
}

/** The order of the methods in `Allow` (HEAD right after GET, which implies it). */
export const ALLOW_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const DECLARABLE: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((piece) =>
      piece.startsWith('{') ? '[^/]+' : piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

export function contractRoutes(doc: OpenApiDocument = loadContract()): ContractRoute[] {
  return Object.entries(doc.paths).map(([template, item]) => {
    const declared = new Set(
      DECLARABLE.filter((method) => item[method]).map((method) => method.toUpperCase()),
    );
    if (declared.has('GET')) declared.add('HEAD');
    const operations = DECLARABLE.flatMap((method) => item[method] ?? []);
    const group =
      operations.find((op) => op['x-contract-group'])?.['x-contract-group'] ??
      (template.startsWith('/db/') ? 'db' : 'basic');
    return {
      template,
      pattern: templatePattern(template),
      allowed: ALLOW_ORDER.filter((method) => declared.has(method)),
      group,
      needsRedis: operations.some((op) => op['x-needs-redis'] === true),
      parameters: (template.match(/\{/g) ?? []).length,
    };
  });
}

/** Whether a target serving `served` has this path (undefined: every path of the contract). */
export function isServed(route: ContractRoute, served?: ServedContract): boolean {
  if (!served) return true;
  return served.groups.includes(route.group) && (served.redis || !route.needsRedis);
}

let routes: ContractRoute[] | undefined;

/**
 * The methods allowed on `pathname` (no query string), or undefined for a path the contract lacks
 * or the target does not serve (`served`: its groups and Redis). A literal path wins over a
 * templated one, as in OpenAPI (`/cache/users/warm` is not `/cache/users/{id}`).
 */
export function allowedMethods(pathname: string, served?: ServedContract): string[] | undefined {
  routes ??= contractRoutes();
  let best: ContractRoute | undefined;
  for (const route of routes) {
    if (!isServed(route, served) || !route.pattern.test(pathname)) continue;
    if (!best || route.parameters < best.parameters) best = route;
  }
  return best?.allowed;
}
