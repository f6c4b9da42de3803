import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { Caller } from './caller.js';
import { OwnershipGuard } from './ownership.guard.js';
import { RouteAccessCatalog } from './route-access.js';

/**
 * The guards and the route catalogue. It imports neither UsersModule nor SessionsModule (they import auth): the guard
 * and Caller find the credential ports those provide at start (credential-ports.ts), so AppModule must list both.
 */
@Module({
  imports: [DiscoveryModule],
  // In this order: who the caller is and whether their role may call the route, then whether the record is theirs.
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: OwnershipGuard },
    RouteAccessCatalog,
    Caller,
  ],
  exports: [RouteAccessCatalog, Caller],
})
export class AuthModule {}
