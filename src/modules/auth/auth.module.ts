import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthGuard } from './auth.guard.js';
import { Caller } from './caller.js';
import { OwnershipGuard } from './ownership.guard.js';
import { RouteAccessCatalog } from './route-access.js';

@Module({
  imports: [DiscoveryModule, UsersModule, SessionsModule],
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
