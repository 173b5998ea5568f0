import { existsSync } from 'node:fs';
import type { OutgoingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import type { Express } from 'express';
import type { FastifyInstance } from 'fastify';
import lightMyRequest from 'light-my-request';
import { buildTarget as buildExpressTarget } from '../../targets/express/app.ts';
import { buildTarget as buildFastifyTarget } from '../../targets/fastify/app.ts';
import { readTargetConfig, type TargetConfig } from '../../targets/shared/config.ts';

/**
 * Framework overhead without sockets: each target built exactly as its main.ts builds it (same
 * middleware, body parsers, error handlers, pg pool and upstream client sized by LAB_DB_POOL),
 * but never listening. Requests go through Fastify's inject() or light-my-request, which hand the
 * framework fake Node request/response objects.
 */

export interface InProcessRequest {
  method: string;
  /** Path and query, e.g. `/users?limit=20`. */
  url: string;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; an object is serialized as JSON. */
  payload?: string | Buffer | Record<string, unknown>;
}

export interface InProcessResponse {
  statusCode: number;
  headers: OutgoingHttpHeaders;
  /** The response body as UTF-8 text. */
  body: string;
}

export interface InProcessApp {
  /** The target's registry name. */
  readonly name: string;
  /** The configuration it was built with (pool sizes, limits). */
  readonly config: TargetConfig;
  inject(request: InProcessRequest): Promise<InProcessResponse>;
  /** Ends the app and everything it owns (pg pool, upstream agent). Safe to call twice. */
  close(): Promise<void>;
}

type Factory = (config: TargetConfig) => Promise<Omit<InProcessApp, 'name' | 'config'>>;

const toResponse = (response: lightMyRequest.Response): InProcessResponse => ({
  statusCode: response.statusCode,
  headers: response.headers,
  body: response.payload,
});

/** light-my-request on any Node request listener (an Express app is one). */
const injectInto =
  (handler: Express) =>
  async (request: InProcessRequest): Promise<InProcessResponse> =>
    toResponse(await lightMyRequest(handler, request));

const injectFastify =
  (app: FastifyInstance) =>
  async (request: InProcessRequest): Promise<InProcessResponse> =>
    toResponse(await app.inject(request));

/** The NestJS targets are tsc output (decorators): build/nestjs/targets/… */
const NEST_BUILD = new URL('../../../build/nestjs/targets/', import.meta.url);

interface NestBuild {
  createNestApp(setup: unknown, config: TargetConfig): Promise<INestApplication>;
  setup: unknown;
}

async function importNestBuild(target: string, setupExport: string): Promise<NestBuild> {
  const files = ['nestjs/bootstrap.js', `${target}/setup.js`].map(
    (file) => new URL(file, NEST_BUILD),
  );
  for (const file of files) {
    if (!existsSync(fileURLToPath(file))) {
      throw new Error(
        `${target}: ${fileURLToPath(file)} is missing; the NestJS targets are compiled, run pnpm build:targets`,
      );
    }
  }
  const [bootstrap, setup] = await Promise.all(
    files.map((file) => import(file.href) as Promise<Record<string, unknown>>),
  );
  const createNestApp = bootstrap?.createNestApp;
  if (typeof createNestApp !== 'function' || !setup?.[setupExport]) {
    throw new Error(
      `${target}: build/nestjs is stale (no createNestApp/${setupExport}); run pnpm build:targets`,
    );
  }
  return { createNestApp: createNestApp as NestBuild['createNestApp'], setup: setup[setupExport] };
}

/** Created as main.ts creates it, then init() (routes, middleware, filters) instead of listen(). */
async function initNest(target: string, setupExport: string, config: TargetConfig) {
  const { createNestApp, setup } = await importNestBuild(target, setupExport);
  const app = await createNestApp(setup, config);
  try {
    await app.init();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}

const FACTORIES: Record<string, Factory> = {
  async express(config) {
    const target = await buildExpressTarget(config);
    return { inject: injectInto(target.app), close: () => target.close() };
  },
  async fastify(config) {
    const app = await buildFastifyTarget(config);
    await app.ready();
    return { inject: injectFastify(app), close: () => app.close() };
  },
  async 'nestjs-express'(config) {
    const app = await initNest('nestjs-express', 'nestExpressSetup', config);
    const express = app.getHttpAdapter().getInstance() as Express;
    return { inject: injectInto(express), close: () => app.close() };
  },
  async 'nestjs-fastify'(config) {
    const app = await initNest('nestjs-fastify', 'nestFastifySetup', config);
    const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
    await fastify.ready();
    return { inject: injectFastify(fastify), close: () => app.close() };
  },
};

/** Targets that can run in-process, in registry order. */
export const IN_PROCESS_TARGETS: readonly string[] = Object.keys(FACTORIES);

/**
 * Builds `targetName` in this process from target environment variables (DATABASE_URL,
 * UPSTREAM_URL, LAB_DB_POOL, … as the target process would read them; PORT is not needed).
 * Nothing listens; call close() when done.
 */
export async function createInProcessApp(
  targetName: string,
  env: Record<string, string | undefined> = process.env,
): Promise<InProcessApp> {
  const factory = Object.hasOwn(FACTORIES, targetName) ? FACTORIES[targetName] : undefined;
  if (!factory) {
    throw new Error(
      `Unknown in-process target ${JSON.stringify(targetName)}. Valid targets: ${IN_PROCESS_TARGETS.join(', ')}.`,
    );
  }
  // The config reader insists on PORT; nothing listens here, so any valid value will do.
  const config = readTargetConfig({ ...env, PORT: '1' });
  const { inject, close } = await factory(config);
  let closing: Promise<void> | undefined;
  return {
    name: targetName,
    config,
    inject,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}
