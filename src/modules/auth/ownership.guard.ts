import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { isUUID } from 'class-validator';
import { PUBLIC_KEY } from './auth.decorators.js';
import type { AuthUser } from './auth-user.js';
import { OWNER_KEY, type OwnerRule } from './ownership.js';
import { OwnershipService } from './ownership.service.js';

/**
 * Global guard after AuthGuard: the record a route's path param names (@OwnedRecord) must exist (404, the owning
 * module's code) and, for a user bound to their own records, be theirs (403 NOT_YOUR_RECORD). Guards run before the
 * pipes, so a refusal comes before body validation and nothing runs. A malformed id is left to IdParam (400 INVALID_ID).
 */
@Injectable()
export class OwnershipGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly ownership: OwnershipService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const rule = this.reflector.getAllAndOverride<OwnerRule | undefined>(OWNER_KEY, targets);
    if (!rule || rule === 'shared') return true;
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const id = req.params[rule.param];
    if (typeof id !== 'string' || !isUUID(id)) return true;
    await this.ownership.check(req.user ?? {}, rule.type, id);
    return true;
  }
}
