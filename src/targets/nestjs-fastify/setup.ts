import 'reflect-metadata';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { NestTargetSetup } from '../nestjs/bootstrap.ts';
import { JSON_BODY_LIMIT_BYTES } from '../shared/config.ts';
import { HttpError } from '../shared/errors.ts';
import { httpServerOptions } from '../shared/http-server.ts';
import { JSON_KEYS_AS_SENT } from '../shared/json-keys.ts';
import { mountFastifyMetrics } from '../shared/metrics.ts';
import { FastifyMultipartSource } from './fastify-multipart.source.ts';

/** NestJS on Fastify: used by main.ts and by the in-process micro-benchmarks. */
export const nestFastifySetup: NestTargetSetup = {
  target: 'nestjs-fastify',
  adapter: 'fastify',
  multipart: FastifyMultipartSource,
  async create(module, config, metrics) {
    const app = await NestFactory.create<NestFastifyApplication>(
      module,
      new FastifyAdapter({
        // Bounds JSON bodies only: multipart parts are streamed and limited per file.
        bodyLimit: JSON_BODY_LIMIT_BYTES,
        http: httpServerOptions(config),
        requestTimeout: config.requestTimeoutMs,
        ...JSON_KEYS_AS_SENT,
        // The router rejects a badly encoded URL or an over-long parameter before any Nest layer
        // (so before the global filter) runs: answered in the contract's shape here instead.
        frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
          const code = (error.statusCode ?? 500) < 500 ? 'validation_failed' : 'internal_error';
          const answer = new HttpError(code, error.message);
          reply.code(answer.status).send(answer.toBody());
        },
      }),
      { logger: ['error', 'fatal'], abortOnError: false },
    );
    // LAB_METRICS=1 only; before Nest registers its routes, so the hook applies to all of them.
    if (metrics) mountFastifyMetrics(app.getHttpAdapter().getInstance(), metrics);
    await app.register(multipart, { limits: { fileSize: config.uploadLimitBytes + 1 } });
    return app;
  },
};
