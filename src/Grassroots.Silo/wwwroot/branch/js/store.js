// What the page keeps on the phone, in IndexedDB, so it works without a network and survives a reload or a browser
// restart: the branch key and what was last read with it (settings), the entries the officer saved (the outbox, with
// each entry's state), and the honorees seen so far (for picking them offline).
import { openDB } from '/vendor/idb.js';

const database = openDB('grassroots-branch', 1, {
  upgrade(db) {
    db.createObjectStore('settings');
    db.createObjectStore('entries', { keyPath: 'key' }).createIndex('branch', 'branchId');
    db.createObjectStore('honorees', { keyPath: 'id' });
  },
});

export const setting = async name => (await database).get('settings', name);
export const saveSetting = async (name, value) => (await database).put('settings', value, name);
export const forgetSetting = async name => (await database).delete('settings', name);

/** An entry: `{ key: "branch/kind/id", branchId, kind, id, op: 'put'|'void', body, reason, state, problem, rev, savedAt }`. */
export const entry = async key => (await database).get('entries', key);
export const saveEntry = async value => (await database).put('entries', value);
export const dropEntry = async key => (await database).delete('entries', key);
export const entriesOf = async branchId => (await database).getAllFromIndex('entries', 'branch', branchId);

/**
 * Changes one entry inside a transaction, so a save on the form and an answer from the service cannot overwrite each
 * other: `change(current)` answers the new value, or undefined to leave it.
 */
export async function updateEntry(key, change) {
  const tx = (await database).transaction('entries', 'readwrite');
  const current = await tx.store.get(key);
  const next = current && change(current);
  if (next) await tx.store.put(next);
  await tx.done;
  return next || current;
}

export async function rememberHonorees(list) {
  const tx = (await database).transaction('honorees', 'readwrite');
  await Promise.all([...list.map(h => tx.store.put(h)), tx.done]);
}

export const honoree = async id => (await database).get('honorees', id);

/** Honorees seen before whose name contains `text`, for searching without a network. */
export async function findHonorees(text) {
  const all = await (await database).getAll('honorees');
  return all.filter(h => h.name.includes(text)).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/**
 * Sign-out: the key and everything read with it are forgotten. Entries not yet accepted by the service stay, so that
 * signing in again with the same branch's key sends them; the rest go.
 */
export async function forgetBranch() {
  const db = await database;
  await db.clear('settings');
  await db.clear('honorees');
  const tx = db.transaction('entries', 'readwrite');
  for (const value of await tx.store.getAll()) if (value.state === 'synced') await tx.store.delete(value.key);
  await tx.done;
}
