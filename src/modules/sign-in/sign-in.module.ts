import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SecondFactorModule } from './second-factor/second-factor.module.js';
import { SignInController } from './sign-in.controller.js';
import { SignInRepository } from './sign-in.repository.js';
import { SignInService } from './sign-in.service.js';

@Module({
  imports: [SessionsModule, SecondFactorModule],
  controllers: [SignInController],
  providers: [SignInRepository, SignInService],
  exports: [SignInService],
})
export class SignInModule {}
