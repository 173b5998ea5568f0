import type { IncomingHttpHeaders } from 'node:http';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
} from '@nestjs/common';
import { verifyBearer } from '../../shared/auth.ts';
import type { TargetConfig } from '../../shared/config.ts';
import { TARGET_CONFIG } from '../tokens.ts';

interface AuthenticatedRequest {
  headers: IncomingHttpHeaders;
  subject?: string;
}

/** HS256 bearer auth; a failure is an HttpError('unauthorized') the global filter answers. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(@Inject(TARGET_CONFIG) private readonly config: TargetConfig) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.subject = await verifyBearer(request.headers.authorization, this.config.authSecret);
    return true;
  }
}

/** The `sub` of the token BearerAuthGuard verified. */
export const Subject = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().subject as string,
);
