// The outbox: entries saved on the phone are sent when the network allows, oldest first, and each keeps its state —
// pending (待同步), synced (已同步) or returned (被退回, with the service's problem). An entry is a PUT with the id the
// phone made, or a DELETE with a reason; both are idempotent, so an entry whose answer was lost on a weak network is
// simply sent again and stored once. Only one tab sends at a time (a Web Lock); entries survive reloads and restarts
// because they live in IndexedDB.
import { ApiError, request } from '/js/api.js';
import { entriesOf, updateEntry } from './store.js';

const RETRY_MS = 10_000;

/** An id for a new record, made on the phone: the day and 64 random bits (ids are 1–64 of A–Z a–z 0–9 . _ : -). */
export function newId(day) {
  const random = crypto.getRandomValues(new Uint8Array(8));
  return `${day.replaceAll('-', '')}-${[...random].map(b => b.toString(16).padStart(2, '0')).join('')}`;
}

export const pathOf = e => `/api/branches/${encodeURIComponent(e.branchId)}/${e.kind}/${encodeURIComponent(e.id)}`;

export function createOutbox({ key, branchId, onChange, onSignedOut }) {
  let running = null, again = false, timer = 0;

  async function sendAll() {
    const pending = (await entriesOf(branchId)).filter(e => e.state === 'pending').sort((a, b) => a.savedAt - b.savedAt);
    for (const e of pending) {
      const outcome = await send(e);
      if (outcome !== 'done') return outcome;
    }
    return 'done';
  }

  async function send(e) {
    if (!key()) return 'stopped'; // signed out meanwhile
    try {
      if (e.op === 'void') await request(key(), pathOf(e), { method: 'DELETE', query: { reason: e.reason } });
      else await request(key(), pathOf(e), { method: 'PUT', body: e.body });
      // Edited while it was on its way: the newer version stays pending and goes next time.
      await updateEntry(e.key, now => now.rev === e.rev && { ...now, state: 'synced', problem: null, syncedAt: Date.now() });
      onChange();
      return 'done';
    } catch (error) {
      if (!(error instanceof ApiError)) return 'offline'; // no network: fetch itself failed
      if (error.status === 401) {
        onSignedOut();
        return 'stopped';
      }
      if (error.status >= 500 || error.status === 408 || error.status === 429) return 'offline';
      await updateEntry(e.key, now => now.rev === e.rev && { ...now, state: 'returned', problem: { status: error.status, ...error.problem } });
      onChange();
      return 'done';
    }
  }

  /** Sends what is pending; a call while a pass runs makes one more pass after it. Answers the last pass's outcome. */
  function sync() {
    if (running) {
      again = true;
      return running;
    }
    clearTimeout(timer);
    const locked = navigator.locks ? navigator.locks.request('grassroots-branch-outbox', sendAll) : sendAll();
    running = locked.then(async outcome => {
      running = null;
      if (again) {
        again = false;
        return sync();
      }
      // Not sent for want of a network or a service: try again in a while (and at once when the browser says online).
      if (outcome === 'offline') timer = setTimeout(sync, RETRY_MS);
      onChange(outcome);
      return outcome;
    });
    return running;
  }

  const whenVisible = () => document.visibilityState === 'visible' && sync();
  addEventListener('online', sync);
  document.addEventListener('visibilitychange', whenVisible);
  const stop = () => {
    clearTimeout(timer);
    removeEventListener('online', sync);
    document.removeEventListener('visibilitychange', whenVisible);
  };
  return { sync, stop };
}
