import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../common/validation.js';
import { ANY_ROLE, Roles } from '../auth/auth.decorators.js';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { CreateProductDto, UpdateProductDto } from './dto/product.dto.js';
import { ProductQuery } from './dto/product-query.dto.js';
import { ProductsService } from './products.service.js';

const WRITERS = ['backoffice', 'manager'] as const;
const PRICES_NOTE =
  'Production users get no listPrice or floorPrice; floorPrice only for admin, backoffice, finance and manager.';

@ApiTags('products')
@Controller('api/products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Add a product to the price list',
    description: '409 PRODUCT_CODE_EXISTS; 400 FLOOR_ABOVE_LIST',
  })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateProductDto) {
    return this.products.create(actor, dto);
  }

  @Get()
  @Roles(ANY_ROLE)
  @ApiOperation({
    summary: 'The price list: search (q), filter by product line and active, sorted and paginated',
    description: PRICES_NOTE,
  })
  list(@CurrentUser() user: AuthUser, @Query() query: ProductQuery) {
    return this.products.listFor(user, query);
  }

  @Get(':id')
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'A product', description: PRICES_NOTE })
  get(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.products.getFor(user, id);
  }

  @Patch(':id')
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Change a product',
    description: '409 PRODUCT_CODE_EXISTS; 400 FLOOR_ABOVE_LIST (checked on the prices after the change)',
  })
  update(@CurrentUser() actor: AuthUser, @IdParam() id: string, @Body() dto: UpdateProductDto) {
    return this.products.update(actor, id, dto);
  }

  @Delete(':id')
  @Roles(...WRITERS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deactivate a product (quotations keep referring to it); PATCH active: true brings it back',
  })
  deactivate(@CurrentUser() actor: AuthUser, @IdParam() id: string) {
    return this.products.deactivate(actor, id);
  }
}
