import { Body, Controller, Delete, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IdParam } from '../../../common/validation.js';
import { ANY_ROLE, Roles, SignInStep, SharedRecords, CurrentUser, type AuthUser } from '../../auth/index.js';
import { SecondFactorDto, TotpCodeDto } from './dto/second-factor.dto.js';
import { SecondFactorService } from './second-factor.service.js';
import { SessionAdvancedDto } from '../dto/sign-in-view.dto.js';
import {
  RecoveryCodesDto,
  SecondFactorResetDto,
  TotpConfirmedDto,
  TotpEnrolmentDto,
  TotpStatusDto,
} from './dto/second-factor-view.dto.js';

@ApiTags('sign-in')
@Controller('api')
export class SecondFactorController {
  constructor(private readonly secondFactor: SecondFactorService) {}

  @Post('auth/second-factor')
  @Roles(ANY_ROLE)
  @SignInStep('second_factor')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'The sign-in step after the password when TOTP is on: {code} of the app or a {recoveryCode}; the session becomes active (new cookie)',
  })
  @ApiOkResponse({ type: SessionAdvancedDto, description: 'The session is active (new cookie)' })
  async signInStep(
    @CurrentUser() user: AuthUser,
    @Body() dto: SecondFactorDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { cookie, ...rest } = await this.secondFactor.signInStep(user, dto);
    res.setHeader('Set-Cookie', cookie);
    return rest;
  }

  @Delete('users/:id/totp')
  @SharedRecords()
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Reset a user's second factor (lost phone and recovery codes): secret and codes removed, their sessions ended; audited",
  })
  @ApiOkResponse({ type: SecondFactorResetDto })
  resetFor(@CurrentUser() actor: AuthUser, @IdParam() id: string) {
    return this.secondFactor.resetFor(actor, id);
  }

  @Get('me/totp')
  @Roles(ANY_ROLE)
  @SignInStep('active', 'totp_enrolment')
  @ApiOperation({ summary: 'My second factor: on or not, recovery codes left, whether my roles require it' })
  @ApiOkResponse({ type: TotpStatusDto })
  status(@CurrentUser() user: AuthUser) {
    return this.secondFactor.status(user);
  }

  @Post('me/totp/enrolment')
  @Roles(ANY_ROLE)
  @SignInStep('active', 'totp_enrolment')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start setting up TOTP: a new secret, its otpauth:// URI and a QR code (SVG); confirm it with a code',
  })
  @ApiOkResponse({ type: TotpEnrolmentDto })
  enrol(@CurrentUser() user: AuthUser) {
    return this.secondFactor.startEnrolment(user);
  }

  @Post('me/totp/confirm')
  @Roles(ANY_ROLE)
  @SignInStep('active', 'totp_enrolment')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Confirm the enrolment with a code: TOTP is on; answers the ten recovery codes (shown once). A session that had to enrol becomes active (new cookie)',
  })
  @ApiOkResponse({ type: TotpConfirmedDto })
  async confirm(@CurrentUser() user: AuthUser, @Body() dto: TotpCodeDto, @Res({ passthrough: true }) res: Response) {
    const { cookie, ...rest } = await this.secondFactor.confirm(user, dto.code);
    if (cookie) res.setHeader('Set-Cookie', cookie);
    return rest;
  }

  @Delete('me/totp')
  @Roles(ANY_ROLE)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Turn TOTP off, given a code (or a recovery code); refused when my roles require a second factor',
  })
  @ApiNoContentResponse({ description: 'TOTP is off' })
  async disable(@CurrentUser() user: AuthUser, @Body() dto: SecondFactorDto) {
    await this.secondFactor.disable(user, dto);
  }

  @Post('me/totp/recovery-codes')
  @Roles(ANY_ROLE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Ten new recovery codes (the old ones stop working), given a code or a recovery code' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  regenerate(@CurrentUser() user: AuthUser, @Body() dto: SecondFactorDto) {
    return this.secondFactor.regenerateRecoveryCodes(user, dto);
  }
}
