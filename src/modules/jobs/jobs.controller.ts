import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../../common/validation.js';
import { ANY_ROLE, Roles, CurrentUser, type AuthUser, OwnedRecord } from '../auth/index.js';
import { JobsService } from './jobs.service.js';
import { JobViewDto } from './dto/job-view.dto.js';

@ApiTags('jobs')
@Controller('api/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get(':id')
  @OwnedRecord('job')
  @Roles(ANY_ROLE)
  @ApiOperation({ summary: 'Status, progress and result of a job (your own; managers see all)' })
  @ApiOkResponse({ type: JobViewDto })
  get(@CurrentUser() user: AuthUser, @IdParam() id: string) {
    return this.jobs.get(user, id);
  }
}
