// @ts-check
// The JSON API with the browser's session: the cookie is HttpOnly (no script here can read or leak it) and sent by
// the browser itself; writes add the session's CSRF token, kept in this page's memory only (never in storage).

let csrfToken = null;

export const session = {
  csrf: () => csrfToken,
  /** From GET /api/auth/session or a sign-in step's answer (each stage change issues a new one). */
  setCsrf: (token) => (csrfToken = token ?? null),
  clear: () => (csrfToken = null),
};

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The API's error shape: { error: { code, message, details } }, or what the network said. */
export class ApiError extends Error {
  constructor(status, body) {
    const e = body && typeof body === 'object' && body.error ? body.error : null;
    super(e?.message ?? (status ? `HTTP ${status}` : 'Network error'));
    this.status = status;
    this.code = e?.code ?? (status ? `HTTP_${status}` : 'NETWORK_ERROR');
    this.details = e?.details ?? null;
  }
}

/** @type {(err: ApiError) => void} */
let unauthorized = () => {};
/** Called on any 401 (session ended, or signing in not finished): the app decides where to go. */
export function onUnauthorized(fn) {
  unauthorized = fn;
}

export function queryString(query) {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * @param {string} method
 * @param {string} path
 * @param {{ query?: Record<string, any>, body?: any, form?: FormData, raw?: boolean, version?: number }} [opts]
 * @param {boolean} [retried]
 * @returns {Promise<any>}
 */
async function request(method, path, { query, body, form, raw, version } = {}, retried = false) {
  const headers = { Accept: 'application/json' };
  const write = !SAFE_METHODS.has(method);
  if (write && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  // The record's ETag as its GET gave it (W/"<version>"): the server refuses the write with 412 STALE_RECORD when
  // someone else changed the record since.
  if (Number.isInteger(version)) headers['If-Match'] = `W/"${version}"`;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path + queryString(query), { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, null);
  }
  if (!res.ok) {
    let data = null;
    try {
      data = await res.json();
    } catch {
      /* not JSON */
    }
    const err = new ApiError(res.status, data);
    // The session's CSRF token changed since this page read it (a sign-in step finished in another tab): read it
    // again and send the write once more. The server checks the token, so this weakens nothing.
    if (write && !retried && err.code === 'CSRF_FAILED' && (await refreshCsrf()))
      return request(method, path, { query, body, form, raw, version }, true);
    if (res.status === 401) unauthorized(err);
    throw err;
  }
  if (raw) return res;
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') ?? '';
  return type.includes('json') ? res.json() : res.text();
}

/** GET /api/auth/session: who is signed in, at which stage, the CSRF token, and whether single sign-on is on. */
export async function readSession() {
  const s = await request('GET', '/api/auth/session');
  session.setCsrf(s.csrfToken);
  return s;
}

async function refreshCsrf() {
  const before = csrfToken;
  try {
    await readSession();
  } catch {
    return false;
  }
  return !!csrfToken && csrfToken !== before;
}

/** The file name of a download: RFC 5987 filename* (UTF-8, Chinese names) first, then filename. */
export function fileNameOf(res, fallback = 'download') {
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(cd);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(cd);
  return plain ? plain[1] : fallback;
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, body = {}, query) => request('POST', path, { body, query }),
  put: (path, body = {}, query) => request('PUT', path, { body, query }),
  patch: (path, body = {}, query) => request('PATCH', path, { body, query }),
  del: (path, query) => request('DELETE', path, { query }),
  /** A DELETE with a JSON body (one that needs a proof, such as a second-factor code). */
  delWith: (path, body) => request('DELETE', path, { body }),
  /** One file as the multipart part `file`, with text fields; POST unless told (a seal image is PUT). */
  upload(path, file, fields = {}, query, method = 'POST') {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) form.append(k, v);
    form.append('file', file, file.name);
    return request(method, path, { form, query });
  },
  /**
   * Writes of a record read earlier (customer, product, tender…): each sends If-Match with the version the record
   * was read at, so that a change someone else saved meanwhile is not overwritten (412 STALE_RECORD instead).
   * A record without a version (a new one) sends none.
   */
  of: (record) => ({
    patch: (path, body = {}, query) => request('PATCH', path, { body, query, version: record?.version }),
    put: (path, body = {}, query) => request('PUT', path, { body, query, version: record?.version }),
    del: (path, query) => request('DELETE', path, { query, version: record?.version }),
    /** An action on the record (publishing a template draft). */
    post: (path, body = {}, query) => request('POST', path, { body, query, version: record?.version }),
  }),
  /** A file a POST renders (a template's preview), as a Blob with its type. */
  async postBlob(path, body = {}, query) {
    const res = await request('POST', path, { body, query, raw: true });
    return { blob: await res.blob(), fileName: fileNameOf(res), contentType: res.headers.get('content-type') ?? '' };
  },
  /** A file (document, scan, export) as a Blob with its name and type. */
  async blob(path, query) {
    const res = await request('GET', path, { query, raw: true });
    return { blob: await res.blob(), fileName: fileNameOf(res), contentType: res.headers.get('content-type') ?? '' };
  },
};
