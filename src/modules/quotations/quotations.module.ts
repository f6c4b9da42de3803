import { Module } from '@nestjs/common';
import { CompanyModule } from '../company/company.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { ProductsModule } from '../products/products.module.js';
import { QuotationsController } from './quotations.controller.js';
import { QuotationsRepository } from './quotations.repository.js';
import { QuotationsService } from './quotations.service.js';

/** DocumentsService (rendering) comes from the global DocumentsModule. */
@Module({
  imports: [CompanyModule, CustomersModule, ProductsModule],
  controllers: [QuotationsController],
  providers: [QuotationsRepository, QuotationsService],
  exports: [QuotationsService],
})
export class QuotationsModule {}
