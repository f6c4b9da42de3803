import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/index.js';
import { MetaController } from './meta.controller.js';

/** GET /api/meta: the enumerations and role rules the console takes from the server instead of copying them. */
@Module({ imports: [AuthModule], controllers: [MetaController] })
export class MetaModule {}
