// The JSON API with the signed-in user's bearer token (kept in sessionStorage: gone when the tab closes).

const TOKEN_KEY = 'td.token';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

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

let unauthorized = () => {};
/** Called on any 401 (token revoked or expired): the app signs out. */
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

async function request(method, path, { query, body, form, raw, version } = {}) {
  const headers = { Accept: 'application/json' };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
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
    res = await fetch(path + queryString(query), { method, headers, body: payload, credentials: 'omit' });
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
    if (res.status === 401) unauthorized(err);
    throw err;
  }
  if (raw) return res;
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') ?? '';
  return type.includes('json') ? res.json() : res.text();
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
  }),
  /** A file (document, scan, export) as a Blob with its name and type. */
  async blob(path, query) {
    const res = await request('GET', path, { query, raw: true });
    return { blob: await res.blob(), fileName: fileNameOf(res), contentType: res.headers.get('content-type') ?? '' };
  },
};
