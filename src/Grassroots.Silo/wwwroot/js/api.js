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

async function send(path, query) {
  const response = await fetch(url(path, query), {
    headers: { Authorization: `Bearer ${session.key}`, Accept: 'application/json, text/csv' },
  });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return response;
}

export async function getJson(path, query) {
  return (await send(path, query)).json();
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

/** The OpenAPI document (served without a key) tells which optional endpoints this service has. */
export async function openApiPaths() {
  try {
    const response = await fetch('/openapi/v1.json');
    return response.ok ? (await response.json()).paths ?? {} : {};
  } catch {
    return {};
  }
}
