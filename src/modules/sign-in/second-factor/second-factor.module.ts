import { Module } from '@nestjs/common';
import { SessionsModule } from '../../sessions/index.js';
import { UsersModule } from '../../users/index.js';
import { SecondFactorController } from './second-factor.controller.js';
import { SecondFactorRepository } from './second-factor.repository.js';
import { SecondFactorService } from './second-factor.service.js';

/** TOTP and recovery codes (#15): the sign-in step and the account's own routes. */
@Module({
  imports: [UsersModule, SessionsModule],
  controllers: [SecondFactorController],
  providers: [SecondFactorRepository, SecondFactorService],
})
export class SecondFactorModule {}
