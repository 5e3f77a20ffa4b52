// The GB/T 2260 tree as the API serves it (never changes while the page is open, so each region is fetched once),
// and the trail from the key's own region down to where the reader is.
import { getJson } from './api.js';
import { el } from './dom.js';
import { regionHref } from './route.js';

const cache = new Map();

export function region(code) {
  if (!cache.has(code)) {
    const pending = getJson(`/api/regions/${encodeURIComponent(code)}`);
    pending.catch(() => cache.delete(code)); // a failed lookup is tried again next time
    cache.set(code, pending);
  }
  return cache.get(code);
}

/** Regions from `home` (inclusive) down to `code`; just `code` when it does not lie under `home`. */
export async function trail(code, home) {
  const chain = [];
  for (let current = await region(code); current; current = current.parentCode ? await region(current.parentCode) : null) {
    chain.unshift(current);
    if (current.code === home) return chain;
  }
  return chain.slice(-1);
}

/** The breadcrumb list: links for every step but the last, which is the page itself. */
export function drawTrail(nav, steps) {
  const items = steps.map((step, i) => el('li', {},
    i < steps.length - 1 || step.href
      ? el('a', { href: step.href ?? regionHref(step.code), 'data-nav': '' }, step.name)
      : el('span', { 'aria-current': 'page' }, step.name)));
  nav.replaceChildren(el('ol', {}, items));
}
