import type { DataLayer, DataLayerName, DataLayerOptions } from './types.ts';

export type * from './types.ts';

export const DATA_LAYERS: readonly DataLayerName[] = ['pg', 'typeorm', 'mikroorm'];

/** Opens a data layer by name; unknown names list the valid ones. ORMs load only when asked. */
export async function openDataLayer(name: string, options: DataLayerOptions): Promise<DataLayer> {
  switch (name) {
    case 'pg':
      return (await import('./pg/layer.ts')).createPgLayer(options);
    case 'typeorm':
      return (await import('./typeorm/layer.ts')).createTypeormLayer(options);
    case 'mikroorm':
      return (await import('./mikroorm/layer.ts')).createMikroormLayer(options);
    default:
      throw new Error(
        `Unknown data layer ${JSON.stringify(name)}. Valid data layers: ${DATA_LAYERS.join(', ')}.`,
      );
  }
}

/** `LAB_LAYERS=pg,typeorm` selects layers for the db-advanced suites (default: all). */
export function layersFromEnv(env: NodeJS.ProcessEnv = process.env): DataLayerName[] {
  if (!env.LAB_LAYERS) return [...DATA_LAYERS];
  const chosen = env.LAB_LAYERS.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = chosen.filter((name) => !DATA_LAYERS.includes(name as DataLayerName));
  if (unknown.length > 0) {
    throw new Error(
      `LAB_LAYERS: unknown data layer(s) ${unknown.join(', ')}. Valid data layers: ${DATA_LAYERS.join(', ')}.`,
    );
  }
  return chosen as DataLayerName[];
}
