import { Module } from '@nestjs/common';
import { MyTokensController } from './my-tokens.controller.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { PasswordsModule } from '../sign-in/passwords.module.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [SessionsModule, PasswordsModule],
  controllers: [UsersController, MyTokensController],
  providers: [UsersRepository, UsersService],
  exports: [UsersService],
})
export class UsersModule {}
