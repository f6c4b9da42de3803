import { Module } from '@nestjs/common';
import { TokenAuthenticator } from '../auth/credential-ports.js';
import { MyTokensController } from './my-tokens.controller.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { PasswordsModule } from '../sign-in/passwords.module.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [SessionsModule, PasswordsModule],
  controllers: [UsersController, MyTokensController],
  // UsersService is the guard's TokenAuthenticator (auth/credential-ports.ts).
  providers: [UsersRepository, UsersService, { provide: TokenAuthenticator, useExisting: UsersService }],
  exports: [UsersService, TokenAuthenticator],
})
export class UsersModule {}
