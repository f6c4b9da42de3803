import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppException } from '../errors/app-exception.js';
import { ErrorCode } from '../errors/error-codes.js';
import { RATE_LIMIT_KEY, type RateLimitRule } from './rate-limit.rule.js';
import { RateLimiters } from './rate-limiters.js';

/**
 * The route guard behind @RateLimit. Route guards run after the global auth guard, so `req.user` is set for a
 * signed-in caller (also on a @Public route when a valid token was sent).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiters: RateLimiters,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<RateLimitRule | undefined>(RATE_LIMIT_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (!rule) return true;
    const req = ctx.switchToHttp().getRequest<Request & { user?: { id: string } }>();
    const user = req.user;
    const policy = user ? rule.policy : (rule.anonymous ?? rule.policy);
    const key = user ? `user:${user.id}` : `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
    const outcome = await this.limiters.consume(policy, key);
    if (outcome.allowed) return true;
    throw AppException.tooManyRequests(
      ErrorCode.TOO_MANY_REQUESTS,
      `Too many requests (${outcome.limit.points} per ${outcome.limit.seconds} s ${user ? 'for your account' : 'from your address'}); try again in ${Math.ceil(outcome.retryAfterMs / 1000)} s`,
      outcome.retryAfterMs / 1000,
      { policy, limit: outcome.limit.points, windowSeconds: outcome.limit.seconds },
    );
  }
}
