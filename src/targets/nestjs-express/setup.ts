import 'reflect-metadata';
import {
  createServer,
  type IncomingMessage,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import type { NestTargetSetup } from '../nestjs/bootstrap.ts';
import { JSON_BODY_LIMIT_BYTES } from '../shared/config.ts';
import { HttpError } from '../shared/errors.ts';
import { httpServerOptions } from '../shared/http-server.ts';
import { mountExpressMetrics } from '../shared/metrics.ts';
import { BusboyMultipartSource } from './busboy-multipart.source.ts';

/** body-parser reads an empty JSON body as `{}`; the contract (like Fastify) calls it invalid. */
function rejectEmptyBody(_req: IncomingMessage, _res: ServerResponse, body: Buffer): void {
  if (body.length === 0) throw new HttpError('invalid_json', 'request body is empty');
}

/**
 * ExpressAdapter creates its node:http server without options; this one gives it the contract's
 * transport limits (shared/http-server.ts). Neither HTTPS nor the adapter's shutdown options are
 * used here, so the plain server is all there is to create.
 */
class LabExpressAdapter extends ExpressAdapter {
  constructor(private readonly serverOptions: ServerOptions) {
    super();
  }

  override initHttpServer(): void {
    this.setHttpServer(createServer(this.serverOptions, this.getInstance()));
  }
}

/** NestJS on Express: used by main.ts and by the in-process micro-benchmarks. */
export const nestExpressSetup: NestTargetSetup = {
  target: 'nestjs-express',
  adapter: 'express',
  multipart: BusboyMultipartSource,
  async create(module, config, metrics) {
    const adapter = new LabExpressAdapter(httpServerOptions(config));
    const app = await NestFactory.create<NestExpressApplication>(module, adapter, {
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
