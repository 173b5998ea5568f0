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
    return {
      template,
      pattern: templatePattern(template),
      allowed: ALLOW_ORDER.filter((method) => declared.has(method)),
    };
  });
}

let routes: ContractRoute[] | undefined;

/** The methods allowed on `pathname` (no query string), or undefined for a path the contract lacks. */
export function allowedMethods(pathname: string): string[] | undefined {
  routes ??= contractRoutes();
  return routes.find((route) => route.pattern.test(pathname))?.allowed;
}
