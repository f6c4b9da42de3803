/**
 * A real OpenID provider for the tests: oidc-provider (a certified implementation) on 127.0.0.1 with a random port,
 * in the test's own process. Accounts are whatever the test puts in `accounts`; the login step is a page of ours
 * (the interaction), which a browser test fills in (an input named "login", buttons "Sign in" and "Cancel") and `signIn()`
 * completes with plain HTTP, following the redirects with a cookie jar as a browser would. Consent is given at once
 * (the console is a first-party client).
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Provider } from 'oidc-provider';
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';

export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
  name?: string;
  groups?: string[];
}

export interface TestClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
}

export interface TestOidcProvider {
  /** The issuer, e.g. http://127.0.0.1:41234 (no trailing slash). */
  issuer: string;
  /** Accounts by id (the ID token's `sub`); change them between sign-ins. */
  accounts: Map<string, TestAccount>;
  /**
   * Plays the browser from an authorization URL (the provider's, as /api/auth/sso/start redirects to): signs in as
   * `accountId` and returns where the provider finally sends the browser (the client's redirect_uri with code and
   * state, or with an error).
   */
  signIn(authorizationUrl: string, accountId: string): Promise<URL>;
  /** As signIn, but the person presses Cancel at the login step: the provider answers access_denied. */
  cancel(authorizationUrl: string): Promise<URL>;
  /** From now on, ID tokens name this client as their audience, whichever client asked (null: the right one). */
  signIdTokensFor(clientId: string | null): void;
  close(): Promise<void>;
}

export interface TestOidcProviderOptions {
  clients: TestClient[];
  /**
   * true (default): the ID token carries the profile, email and groups claims, as Keycloak's and Entra ID's do;
   * false: only `sub` and the protocol claims, the rest from the userinfo endpoint (the OpenID default for code).
   */
  claimsInIdToken?: boolean;
  /** A fixed port (default: a free one). */
  port?: number;
}

export async function startOidcProvider(options: TestOidcProviderOptions): Promise<TestOidcProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, TestAccount>();
  let audienceOverride: string | null = null;

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      ...c,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
    // In memory is what a test wants; set explicitly, as are the lifetimes, so that the provider does not warn.
    adapter: createMemoryAdapter(0),
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    cookies: { keys: ['tenderdesk test provider cookie key'] },
    claims: {
      openid: ['sub', 'groups'],
      email: ['email', 'email_verified'],
      profile: ['preferred_username', 'name'],
    },
    conformIdTokenClaims: options.claimsInIdToken === false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...account }) };
    },
  });

  // The "provider configured to sign for another client": the real provider, its real key, another audience.
  const idTokenProto = provider.IdToken.prototype;
  const issue = idTokenProto.issue;
  idTokenProto.issue = async function (this: { client: unknown }, opts?: { use?: string }) {
    if (audienceOverride && opts?.use === 'idtoken') this.client = await provider.Client.find(audienceOverride);
    return issue.call(this, opts);
  };

  const providerHandler = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    if (path.startsWith('/interaction/')) {
      interaction(provider, accounts, req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    } else {
      providerHandler(req, res);
    }
  });

  return {
    issuer,
    accounts,
    signIn: (authorizationUrl, accountId) => playBrowser(issuer, authorizationUrl, { login: accountId }),
    cancel: (authorizationUrl) => playBrowser(issuer, authorizationUrl, { cancel: '1' }),
    signIdTokensFor(clientId) {
      audienceOverride = clientId;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The login step (a form naming the account) and the consent step (given at once). */
async function interaction(
  provider: Provider,
  accounts: Map<string, TestAccount>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    const form = req.method === 'POST' ? new URLSearchParams(await bodyOf(req)) : new URLSearchParams();
    if (form.has('cancel')) {
      const error = { error: 'access_denied', error_description: 'The person cancelled the sign-in' };
      await provider.interactionFinished(req, res, error, { mergeWithLastSubmission: false });
      return;
    }
    const login = form.get('login');
    if (login && accounts.has(login)) {
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      return;
    }
    res.statusCode = login ? 401 : 200;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><title>Test provider</title><h1>Test OpenID provider</h1>` +
        (login ? '<p id="error">Unknown account</p>' : '') +
        `<form method="post" action="/interaction/${details.uid}">` +
        `<label>Account <input name="login" autofocus></label> <button type="submit">Sign in</button> ` +
        `<button type="submit" name="cancel" value="1">Cancel</button></form>`,
    );
    return;
  }
  if (details.prompt.name === 'consent') {
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const grant =
      (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
      new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  res.statusCode = 400;
  res.end(`unexpected prompt ${details.prompt.name}`);
}

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Follows the provider's redirects as a browser would (cookies kept per name; the provider scopes them by path, and
 * the last one set is the one that matters), posting the login form when the interaction asks for it; stops at the
 * first redirect that leaves the provider.
 */
async function playBrowser(issuer: string, authorizationUrl: string, form: Record<string, string>): Promise<URL> {
  const jar = new Map<string, string>();
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value && !/max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.set(name, value);
      else jar.delete(name);
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = new URL(authorizationUrl);
  let posted = false;
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin !== new URL(issuer).origin) return url;
    let res = await fetch(url, { redirect: 'manual', headers: { cookie: cookie() } });
    remember(res);
    if (res.status === 200 && url.pathname.startsWith('/interaction/') && !posted) {
      posted = true;
      res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      remember(res);
    }
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) {
      throw new Error(`the provider answered ${res.status} at ${url.pathname}: ${(await res.text()).slice(0, 500)}`);
    }
    url = new URL(location, url);
  }
  throw new Error('the provider redirected more than 20 times');
}
