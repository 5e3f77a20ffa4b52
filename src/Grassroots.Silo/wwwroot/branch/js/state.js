// What the page's parts share: the signed-in branch and what was read for it, and a few events between the parts.

export const app = {
  me: null, // GET /api/me
  branch: null, // GET /api/branches/{id}
  campaigns: [], // GET /api/campaigns
  campaign: null, // the chosen one, as GET /api/campaigns/{id} answers it
  rules: {}, // by record kind, from the OpenAPI document (rules.js)
  outbox: null,
};

const listeners = {};
export const on = (event, listener) => (listeners[event] ??= []).push(listener);
export const emit = (event, data) => (listeners[event] ?? []).forEach(listener => listener(data));

/** Today as YYYY-MM-DD in the phone's own time zone. */
export const today = () => new Date().toLocaleDateString('sv-SE');
