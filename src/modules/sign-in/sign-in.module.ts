import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/index.js';
import { UsersModule } from '../users/index.js';
import { SecondFactorModule } from './second-factor/second-factor.module.js';
import { MySessionsController } from './my-sessions.controller.js';
import { PasswordsModule } from './passwords.module.js';
import { SignInController } from './sign-in.controller.js';
import { SignInService } from './sign-in.service.js';

@Module({
  imports: [UsersModule, SessionsModule, PasswordsModule, SecondFactorModule],
  controllers: [SignInController, MySessionsController],
  providers: [SignInService],
  exports: [SignInService, PasswordsModule],
})
export class SignInModule {}
