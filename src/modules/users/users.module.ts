import { Module } from '@nestjs/common';
import { MyTokensController } from './my-tokens.controller.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  controllers: [UsersController, MyTokensController],
  providers: [UsersRepository, UsersService],
  exports: [UsersService],
})
export class UsersModule {}
