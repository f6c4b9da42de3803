import type { Provider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { loadSigner, signerSourceFromConfig, type Signer } from './certificates.js';

export const SIGNER = Symbol('SIGNER');

/**
 * The signer, loaded once at start: a bad SIGNING_P12 stops start-up, and on the embedded default the
 * development certificate is generated on the first start (refused in production).
 */
export const signerProvider: Provider = {
  provide: SIGNER,
  inject: [AppConfig],
  useFactory: async (config: AppConfig): Promise<Signer> => {
    const signer = await loadSigner(signerSourceFromConfig(config));
    // The configuration guard refuses production without SIGNING_P12; this catches a PKCS#12 made from the
    // development certificate itself.
    if (config.env === 'production' && signer.isDevelopment) {
      throw new Error(
        `NODE_ENV=production refuses the development certificate (${signer.subject}): set SIGNING_P12 to the company's certificate`,
      );
    }
    return signer;
  },
};
