import type { IncomingHttpHeaders } from 'node:http';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
} from '@nestjs/common';
import type { Principal } from '../../shared/auth.ts';
import type { SessionStore } from '../../shared/sessions.ts';
import { SESSION_STORE } from '../tokens.ts';
import { AuthService } from './auth.service.ts';

interface AuthenticatedRequest {
  headers: IncomingHttpHeaders;
  principal?: Principal;
}

/**
 * Guards of scenarios 16 and 19: the principal of the bearer token, or an HttpError 401 that the
 * global filter answers. Guards run before pipes, so a bad token wins over any other problem.
 */
abstract class PrincipalGuard implements CanActivate {
  protected abstract resolve(authorization: string | undefined): Promise<Principal>;

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = await this.resolve(request.headers.authorization);
    return true;
  }
}

/** A verified login JWT (HS256, exp, sub, email). */
@Injectable()
export class JwtAuthGuard extends PrincipalGuard {
  constructor(private readonly auth: AuthService) {
    super();
  }

  protected resolve(authorization: string | undefined): Promise<Principal> {
    return this.auth.jwtPrincipal(authorization);
  }
}

/** A session in Redis (`session:<token>`). */
@Injectable()
export class SessionAuthGuard extends PrincipalGuard {
  constructor(@Inject(SESSION_STORE) private readonly sessions: SessionStore) {
    super();
  }

  protected resolve(authorization: string | undefined): Promise<Principal> {
    return this.sessions.principalOf(authorization);
  }
}

/** The principal the route's guard established. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal as Principal,
);
