import { Module } from '@nestjs/common';
import { TokenAuthenticator } from '../auth/index.js';
import { MyTokensController } from './my-tokens.controller.js';
import { UserAccountsService } from './user-accounts.service.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/**
 * People, roles and API tokens, below sessions, sign-in and sso: they import this module (UserAccountsService); it
 * imports none of them, and finds what it needs of them through ports (user-ports.ts).
 */
@Module({
  controllers: [UsersController, MyTokensController],
  // UsersService is the guard's TokenAuthenticator (auth/credential-ports.ts).
  providers: [
    UsersRepository,
    UsersService,
    UserAccountsService,
    { provide: TokenAuthenticator, useExisting: UsersService },
  ],
  exports: [UsersService, UserAccountsService, TokenAuthenticator],
})
export class UsersModule {}
