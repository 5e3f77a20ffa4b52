// The branch key: taken from a sign-in link's fragment (#key=…, never the query, so it reaches no server log) or
// pasted, kept in IndexedDB so the officer stays signed in through reloads, restarts and days without a network, and
// forgotten on sign-out. Every request carries it.
import { request } from '/js/api.js';
import { forgetBranch, saveSetting, setting } from './store.js';

let key = null;

export const currentKey = () => key;

export async function loadKey() {
  key = (await setting('apiKey')) ?? null;
  return key;
}

/** Keeps `given` as the key; a different key than before (another branch) starts from nothing. */
export async function useKey(given) {
  if ((await setting('apiKey')) !== given) await forgetBranch();
  await saveSetting('apiKey', given);
  key = given;
}

/**
 * Signs in with the key of a sign-in link (/branch/#key=…): stores it, then takes it out of the address bar (and so
 * out of the history, bookmarks and screenshots). Answers whether there was one.
 */
export async function takeKeyFromAddress() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const given = fragment.get('key')?.trim();
  if (!given) return false;
  await useKey(given);
  fragment.delete('key');
  const rest = fragment.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return true;
}

export async function signOut() {
  key = null;
  await forgetBranch();
}

/** A read with the key; after sign-out (no key) it fails without asking, as a request of a moment ago may still try. */
export async function getJson(path, query) {
  if (!key) throw new Error('signed out');
  return (await request(key, path, { query })).json();
}
