import { Body, Controller, Get, Headers, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import {
  ANONYMOUS,
  type Credentials,
  parseLogin,
  principalBody,
} from '../../../data/http/auth-routes.ts';
import type { Principal } from '../../shared/auth.ts';
import type { SessionStore } from '../../shared/sessions.ts';
import { Consumes } from '../core/consumes.ts';
import { ParsePipe } from '../db/db.pipes.ts';
import { SESSION_STORE } from '../tokens.ts';
import { AuthService } from './auth.service.ts';
import { CurrentPrincipal, JwtAuthGuard, SessionAuthGuard } from './principal.ts';

const LoginPipe = new ParsePipe<Credentials>(parseLogin);

/** `/auth/public` and the JWT routes (docs/contract.md, 16). */
@Controller('auth')
export class JwtAuthController {
  constructor(private readonly auth: AuthService) {}

  @Get('public')
  anonymous(): typeof ANONYMOUS {
    return ANONYMOUS;
  }

  @Post('jwt/login')
  @HttpCode(200)
  @Consumes('application/json')
  login(@Body(LoginPipe) credentials: Credentials): Promise<{ token: string; expiresIn: number }> {
    return this.auth.jwtLogin(credentials);
  }

  @Get('jwt/me')
  @UseGuards(JwtAuthGuard)
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principalBody(principal);
  }
}

/** The session routes, served only with Redis. */
@Controller('auth/session')
export class SessionAuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Consumes('application/json')
  login(@Body(LoginPipe) credentials: Credentials): Promise<{ token: string; expiresIn: number }> {
    return this.auth.sessionLogin(credentials);
  }

  @Get('me')
  @UseGuards(SessionAuthGuard)
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principalBody(principal);
  }

  /** One DEL: it says whether there was a session (401 when not). */
  @Post('logout')
  @HttpCode(200)
  async logout(@Headers('authorization') authorization?: string): Promise<{ loggedOut: true }> {
    await this.sessions.end(authorization);
    return { loggedOut: true };
  }
}
