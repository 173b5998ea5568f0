import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The HTTP contract every target implements (docs/contract.md in prose). The YAML is the source
 * of truth; the JSON files next to it are the fixed payloads the harness sends and serves.
 */
export const contractPath = contractFile('openapi.yaml');
export const echoPayloadPath = contractFile('echo-payload.json');
export const upstreamPayloadPath = contractFile('upstream-payload.json');

/**
 * A file of src/contract/. This module also runs as tsc output of the NestJS targets
 * (build/nestjs/contract/, which holds no YAML or JSON): that copy reads the files from src/.
 */
function contractFile(name: string): string {
  const here = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return here.replace(
    `${sep}build${sep}nestjs${sep}contract${sep}`,
    `${sep}src${sep}contract${sep}`,
  );
}

export type JsonSchema = Record<string, unknown>;

export interface OpenApiMediaType {
  schema?: JsonSchema;
}

export interface OpenApiResponse {
  $ref?: string;
  description?: string;
  headers?: Record<string, { $ref?: string; required?: boolean; schema?: JsonSchema }>;
  content?: Record<string, OpenApiMediaType>;
}

export interface OpenApiOperation {
  operationId?: string;
  tags?: string[];
  parameters?: { $ref?: string; name?: string; in?: string; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content?: Record<string, OpenApiMediaType> };
  responses: Record<string, OpenApiResponse>;
  security?: Record<string, string[]>[];
  /** Scenarios 14–19: the contract group a target must declare to serve it. */
  'x-contract-group'?: string;
  /** Served only with a Redis (REDIS_URL); otherwise the path is not served (404). */
  'x-needs-redis'?: boolean;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses?: Record<string, OpenApiResponse>;
    parameters?: Record<string, { name: string; in: string; schema: JsonSchema }>;
    headers?: Record<string, { required?: boolean; description?: string; schema: JsonSchema }>;
    securitySchemes?: Record<string, Record<string, unknown>>;
  };
}

let contract: OpenApiDocument | undefined;
let echoPayload: Record<string, unknown> | undefined;
let upstreamPayload: Record<string, unknown> | undefined;

/** The parsed contract, read once per process. Treat it as read-only: it is shared. */
export function loadContract(): OpenApiDocument {
  contract ??= parse(readFileSync(contractPath, 'utf8')) as OpenApiDocument;
  return contract;
}

/** The benchmark payload for `POST /echo` (scenario 02), parsed once. */
export function loadEchoPayload(): Record<string, unknown> {
  echoPayload ??= JSON.parse(readFileSync(echoPayloadPath, 'utf8')) as Record<string, unknown>;
  return echoPayload;
}

/** What the upstream stub answers on `GET /data`, and so what `GET /external` returns. */
export function loadUpstreamPayload(): Record<string, unknown> {
  upstreamPayload ??= JSON.parse(readFileSync(upstreamPayloadPath, 'utf8')) as Record<
    string,
    unknown
  >;
  return upstreamPayload;
}
