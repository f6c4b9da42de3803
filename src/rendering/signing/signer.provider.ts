import type { Provider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { loadSigner, signerSourceFromConfig, type Signer } from './certificates.js';

export const SIGNER = Symbol('SIGNER');

/**
 * The signer, loaded once at start: a bad SIGNING_P12 stops start-up, and on the embedded default the
 * development certificate is generated on the first start.
 */
export const signerProvider: Provider = {
  provide: SIGNER,
  inject: [AppConfig],
  useFactory: (config: AppConfig): Promise<Signer> => loadSigner(signerSourceFromConfig(config)),
};
