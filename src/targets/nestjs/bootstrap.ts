import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { configOrExit, exitListenFailure, type TargetConfig } from '../shared/config.ts';
import { installedVersion, targetMeta, targetNameFor } from '../shared/meta.ts';
import { type TargetMetrics, targetMetrics } from '../shared/metrics.ts';
import { AppModule } from './app.module.ts';
import type { MultipartSource } from './upload/multipart-source.ts';

export interface NestTargetSetup {
  target: string;
  adapter: 'express' | 'fastify';
  multipart: Type<MultipartSource>;
  /**
   * Creates the application on the target's adapter (body parsers, plugins included). With
   * `metrics` (LAB_METRICS=1), mounts them on the adapter's instance before anything else.
   */
  create(
    module: ReturnType<typeof AppModule.forRoot>,
    config: TargetConfig,
    metrics: TargetMetrics | undefined,
  ): Promise<INestApplication>;
}

/**
 * The application exactly as the target process runs it, created but neither initialised nor
 * listening: runNestTarget() listens, the micro-benchmarks call init() and inject requests.
 * `app.close()` ends the pg pool, the data layer and the upstream client (their
 * onApplicationShutdown hooks).
 */
export function createNestApp(
  setup: NestTargetSetup,
  config: TargetConfig,
): Promise<INestApplication> {
  const meta = targetMeta({
    target: targetNameFor(setup.target, config.dataLayer),
    framework: 'nestjs',
    frameworkVersion: installedVersion('@nestjs/core'),
    adapter: setup.adapter,
    dataLayer: config.dataLayer,
    dbPool: config.dbPool,
  });
  return setup.create(
    AppModule.forRoot({ config, meta, multipart: setup.multipart }),
    config,
    config.metrics ? targetMetrics(meta) : undefined,
  );
}

/** Shared entry logic: config, app creation, listen, graceful SIGTERM (docs/contract.md). */
export async function runNestTarget(setup: NestTargetSetup): Promise<void> {
  const config = configOrExit();
  try {
    const app = await createNestApp(setup, config);
    // Explicit rather than enableShutdownHooks(): Nest re-raises the signal after closing,
    // which would end the process by SIGTERM instead of exit code 0.
    process.once('SIGTERM', () => {
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`shutdown failed: ${(error as Error).message}\n`);
          process.exit(1);
        },
      );
    });
    await app.listen(config.port, config.host);
  } catch (error) {
    exitListenFailure(setup.target, config.port, error);
  }
}
