import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TokenAuthenticator, credentialPort } from './credential-ports.js';
import { hasRole, type AuthUser } from './auth-user.js';

/**
 * Who is calling a public endpoint that shows more to some callers (/health details for admins, /metrics), from the
 * Authorization header. A missing, malformed or unknown token is simply no one: these endpoints never answer 401 for it.
 */
@Injectable()
export class Caller implements OnModuleInit {
  private users!: TokenAuthenticator;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    this.users = credentialPort(this.moduleRef, TokenAuthenticator);
  }

  /** The bearer credential as sent, or undefined. */
  static bearer(authorization: string | string[] | undefined): string | undefined {
    const header = Array.isArray(authorization) ? authorization[0] : authorization;
    return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  }

  async user(authorization: string | string[] | undefined): Promise<AuthUser | null> {
    const token = Caller.bearer(authorization);
    if (!token) return null;
    return this.users.authenticate(token).catch(() => null);
  }

  async isAdmin(authorization: string | string[] | undefined): Promise<boolean> {
    const user = await this.user(authorization);
    return !!user && hasRole(user, 'admin');
  }
}
