import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Chart.js, inlined into every HTML report so the file works offline: its UMD bundle (every
 * chart type and scale registered, a global `Chart`) is read from node_modules at render time.
 */
export interface ChartLibrary {
  name: string;
  version: string;
  /** The minified UMD bundle. */
  source: string;
  /** Where it was read from. */
  file: string;
}

/** Bundle names, preferred first (4.5+ ships an explicit .min; before, chart.umd.js was minified). */
const BUNDLES = ['chart.umd.min.js', 'chart.umd.js'];

let cached: ChartLibrary | undefined;

export class ChartLibraryError extends Error {
  override name = 'ChartLibraryError';
}

export function loadChartLibrary(): ChartLibrary {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    // The package's main entry lives in dist/, next to the UMD bundles.
    entry = require.resolve('chart.js');
  } catch (error) {
    throw new ChartLibraryError(
      `chart.js is not installed (${(error as Error).message.split('\n')[0]}); run pnpm install`,
    );
  }
  // Up from the entry to chart.js's own package.json (dist/ may hold a package.json of its own).
  let dir = dirname(entry);
  let pkg: { name?: string; version?: string } = {};
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      pkg = JSON.parse(readFileSync(file, 'utf8')) as typeof pkg;
      if (pkg.name === 'chart.js') break;
    }
    if (dirname(dir) === dir) {
      throw new ChartLibraryError(`chart.js resolved to ${entry}, but its package.json is missing`);
    }
    dir = dirname(dir);
  }
  for (const bundle of BUNDLES) {
    const file = join(dir, 'dist', bundle);
    if (existsSync(file)) {
      cached = {
        name: 'Chart.js',
        version: pkg.version ?? 'unknown',
        source: readFileSync(file, 'utf8'),
        file,
      };
      return cached;
    }
  }
  throw new ChartLibraryError(
    `chart.js ${pkg.version ?? ''} in ${dir} has none of dist/${BUNDLES.join(', dist/')}`,
  );
}
