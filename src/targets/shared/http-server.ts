import type { ServerOptions } from 'node:http';
import type { TargetConfig } from './config.ts';

/** Largest request head (request line and headers); larger ones get 431 and a closed connection. */
export const MAX_REQUEST_HEAD_BYTES = 16 * 1024;

/**
 * The contract's transport limits (docs/contract.md, "Transport") as node:http server options,
 * the same for every Node target: a request whose head and body have not arrived within
 * `LAB_REQUEST_TIMEOUT_MS` is answered 408 and its connection closed, so a client trickling
 * bytes (slowloris) holds a connection for a bounded time only. Fastify's default is no limit.
 */
export function httpServerOptions(config: Pick<TargetConfig, 'requestTimeoutMs'>): ServerOptions {
  return {
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: config.requestTimeoutMs,
    // Node looks for expired requests at this interval (default 30 s): keep the bound tight.
    connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
    maxHeaderSize: MAX_REQUEST_HEAD_BYTES,
  };
}
