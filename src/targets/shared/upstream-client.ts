import { Agent, request } from 'undici';
import { HttpError } from './errors.ts';

/**
 * `GET /external`: one keep-alive agent per target (as any production service would have),
 * sized like the DB pool so no target gets an unfair connection advantage.
 */
export function upstreamClient(upstreamUrl: string, connections: number) {
  const agent = new Agent({ connections, keepAliveTimeout: 30_000 });
  return {
    async fetchData(): Promise<unknown> {
      try {
        const response = await request(`${upstreamUrl}/data`, {
          dispatcher: agent,
          headersTimeout: 10_000,
        });
        if (response.statusCode < 200 || response.statusCode >= 300) {
          await response.body.dump();
          throw new HttpError('bad_gateway', `upstream answered ${response.statusCode}`);
        }
        return await response.body.json();
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw new HttpError('bad_gateway', `upstream failed: ${(error as Error).message}`);
      }
    },
    close: () => agent.close(),
  };
}
