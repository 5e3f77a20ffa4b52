// The HTTP API as the dashboard uses it: every call carries the API key kept for this browser session.

const KEY = 'grassroots.apiKey';

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { sessionStorage.setItem(KEY, value); },
  clear() { sessionStorage.removeItem(KEY); },
  // Earlier versions of this page kept the key in localStorage, which outlives the browser session.
  forgetLegacyKey() { localStorage.removeItem(KEY); },
};

/** A non-2xx answer; `problem` is the RFC 9457 problem details the API sends, when it sent any. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** `path` with the query parameters that have a value. */
export function url(path, query = {}) {
  const u = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') u.searchParams.set(name, value);
  }
  return u;
}

/**
 * One request with `key`. Every request asks for Chinese (`Accept-Language: zh-CN`): the service answers problem
 * details in English today, and the pages translate them (problems.js) until it answers in Chinese when asked.
 * `body` is sent as JSON, or as it is when it is a Blob or ArrayBuffer (with `contentType`).
 */
export async function request(key, path, { method = 'GET', query, body, contentType } = {}) {
  // The browser knows it has no network: fail as fetch would, without a request the console reports as failed.
  if (navigator.onLine === false) throw new TypeError('offline');
  const headers = { Authorization: `Bearer ${key}`, Accept: 'application/json, text/csv', 'Accept-Language': 'zh-CN' };
  const raw = body instanceof Blob || body instanceof ArrayBuffer;
  if (body !== undefined) headers['Content-Type'] = contentType ?? 'application/json';
  const response = await fetch(url(path, query), {
    method, headers, body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
  });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return response;
}

const send = (path, query) => request(session.key, path, { query });

export async function getJson(path, query) {
  return (await send(path, query)).json();
}

/** A write with the session's key; answers the parsed JSON, or null for an answer without a body (204). */
export async function sendJson(method, path, { query, body, contentType } = {}) {
  const response = await request(session.key, path, { method, query, body, contentType });
  return response.status === 204 ? null : response.json();
}

/**
 * Saves what `path` answers as a file. A plain link cannot carry the bearer key, so the file is fetched and handed
 * to the browser as a Blob.
 */
export async function download(path, query, fileName) {
  saveBlob(await (await send(path, query)).blob(), fileName);
}

export function saveBlob(blob, fileName) {
  const href = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** The OpenAPI document (served without a key): which optional endpoints this service has, and its rules. */
export async function openApiDocument() {
  if (navigator.onLine === false) return {};
  try {
    const response = await fetch('/openapi/v1.json', { headers: { 'Accept-Language': 'zh-CN' } });
    return response.ok ? await response.json() : {};
  } catch {
    return {};
  }
}

export const openApiPaths = async () => (await openApiDocument()).paths ?? {};
