import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import type { NestTargetSetup } from '../nestjs/bootstrap.ts';
import { JSON_BODY_LIMIT_BYTES } from '../shared/config.ts';
import { HttpError } from '../shared/errors.ts';
import { mountExpressMetrics } from '../shared/metrics.ts';
import { BusboyMultipartSource } from './busboy-multipart.source.ts';

/** body-parser reads an empty JSON body as `{}`; the contract (like Fastify) calls it invalid. */
function rejectEmptyBody(_req: IncomingMessage, _res: ServerResponse, body: Buffer): void {
  if (body.length === 0) throw new HttpError('invalid_json', 'request body is empty');
}

/** NestJS on Express: used by main.ts and by the in-process micro-benchmarks. */
export const nestExpressSetup: NestTargetSetup = {
  target: 'nestjs-express',
  adapter: 'express',
  multipart: BusboyMultipartSource,
  async create(module, _config, metrics) {
    const app = await NestFactory.create<NestExpressApplication>(module, new ExpressAdapter(), {
      logger: ['error', 'fatal'],
      abortOnError: false,
      // Nest's default JSON parser stops at 100 kB and rejects non-object JSON as a syntax error.
      bodyParser: false,
    });
    // LAB_METRICS=1 only; before the body parser, so its timer covers parsing too.
    if (metrics) mountExpressMetrics(app.getHttpAdapter().getInstance(), metrics);
    // Plain express.json: Nest's useBodyParser() reserves `verify` for its rawBody option.
    app.use(json({ limit: JSON_BODY_LIMIT_BYTES, strict: false, verify: rejectEmptyBody }));
    return app;
  },
};
