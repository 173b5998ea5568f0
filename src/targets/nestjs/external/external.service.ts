import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { TargetConfig } from '../../shared/config.ts';
import { upstreamClient } from '../../shared/upstream-client.ts';
import { TARGET_CONFIG } from '../tokens.ts';

/** `GET /external`: the shared keep-alive upstream client, closed with the application. */
@Injectable()
export class ExternalService implements OnApplicationShutdown {
  private readonly upstream: ReturnType<typeof upstreamClient>;

  constructor(@Inject(TARGET_CONFIG) config: TargetConfig) {
    this.upstream = upstreamClient(config.upstreamUrl, config.dbPool);
  }

  fetchData(): Promise<unknown> {
    return this.upstream.fetchData();
  }

  onApplicationShutdown(): Promise<void> {
    return this.upstream.close();
  }
}
