import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { UsersModule } from '../users/users.module.js';
import { AuthGuard } from './auth.guard.js';
import { Caller } from './caller.js';
import { RouteAccessCatalog } from './route-access.js';

@Module({
  imports: [DiscoveryModule, UsersModule],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }, RouteAccessCatalog, Caller],
  exports: [RouteAccessCatalog, Caller],
})
export class AuthModule {}
