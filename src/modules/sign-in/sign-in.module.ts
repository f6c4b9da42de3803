import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SecondFactorModule } from './second-factor/second-factor.module.js';
import { MySessionsController } from './my-sessions.controller.js';
import { PasswordsModule } from './passwords.module.js';
import { SignInController } from './sign-in.controller.js';
import { SignInRepository } from './sign-in.repository.js';
import { SignInService } from './sign-in.service.js';

@Module({
  imports: [SessionsModule, PasswordsModule, SecondFactorModule],
  controllers: [SignInController, MySessionsController],
  providers: [SignInRepository, SignInService],
  exports: [SignInService, PasswordsModule],
})
export class SignInModule {}
