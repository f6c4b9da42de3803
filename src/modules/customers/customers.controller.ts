import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../common/validation.js';
import { ANY_ROLE, Roles } from '../auth/auth.decorators.js';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { CustomersService } from './customers.service.js';
import { CreateCustomerDto, UpdateCustomerDto } from './dto/customer.dto.js';
import { CustomerQuery } from './dto/customer-query.dto.js';

// Production reads customers too: their names go on contact sheets and delivery notices.
const WRITERS = ['backoffice', 'sales'] as const;

@ApiTags('customers')
@Controller('api/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Create a customer with its contacts (a sales user: one they own)' })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateCustomerDto) {
    return this.customers.create(actor, dto);
  }

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary: 'Customers: search by name or tax id (q), filter by sales owner, archived; sorted and paginated',
  })
  list(@Query() query: CustomerQuery) {
    return this.customers.list(query);
  }

  @Get(':id')
  @Roles(ANY_ROLE)
  get(@IdParam() id: string) {
    return this.customers.get(id);
  }

  @Patch(':id')
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Change a customer (a sales user: only their own); contacts, when given, replaces the list',
  })
  update(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: UpdateCustomerDto) {
    return this.customers.update(actor, id, dto);
  }

  @Delete(':id')
  @Roles('backoffice')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive a customer (records that refer to it keep it); PATCH archived: false restores it' })
  archive(@CurrentUser() actor: AuthUser, @IdParam() id: string) {
    return this.customers.archive(actor, id);
  }
}
