import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  type AuthOperations,
  authOperations,
  type Credentials,
} from '../../../data/http/auth-routes.ts';
import type { DataLayer } from '../../../data/types.ts';
import type { Principal } from '../../shared/auth.ts';
import type { TargetConfig } from '../../shared/config.ts';
import type { SessionStore } from '../../shared/sessions.ts';
import { DATA_LAYER, SESSION_STORE, TARGET_CONFIG } from '../tokens.ts';

/** Scenario 16: logins over the injected data layer; sessions when Redis is configured. */
@Injectable()
export class AuthService {
  private readonly auth: AuthOperations;

  constructor(
    @Inject(DATA_LAYER) layer: DataLayer,
    @Inject(TARGET_CONFIG) config: TargetConfig,
    @Optional() @Inject(SESSION_STORE) sessions?: SessionStore,
  ) {
    this.auth = authOperations({
      layer,
      secret: config.authSecret,
      ttlSeconds: config.authTtlSeconds,
      ...(sessions ? { sessions } : {}),
    });
  }

  jwtLogin(credentials: Credentials): Promise<{ token: string; expiresIn: number }> {
    return this.auth.jwtLogin(credentials);
  }

  jwtPrincipal(authorization: string | undefined): Promise<Principal> {
    return this.auth.jwtPrincipal(authorization);
  }

  sessionLogin(credentials: Credentials): Promise<{ token: string; expiresIn: number }> {
    return this.auth.sessionLogin(credentials);
  }
}
