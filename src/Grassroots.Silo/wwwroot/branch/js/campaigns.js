// The campaign an entry is logged against. Its dates (an entry must fall inside them, and not in the future) are read
// from GET /api/campaigns/{id} and kept for offline use; a returned entry refreshes them, since they may have changed.
import { $, el } from '/js/dom.js';
import { getJson } from './session.js';
import { app, emit, today } from './state.js';
import { saveSetting, setting } from './store.js';

/** The campaign list, from the service or as last read. */
export async function loadCampaigns() {
  try {
    app.campaigns = (await getJson('/api/campaigns')).items;
    await saveSetting('campaigns', app.campaigns);
  } catch (error) {
    app.campaigns = (await setting('campaigns')) ?? [];
    if (app.campaigns.length === 0) throw error;
  }
}

/** One campaign as GET /api/campaigns/{id} answers it (`fresh`: ask even if known), or as last read when offline. */
export async function campaignDetails(id, { fresh = false } = {}) {
  const known = await setting(`campaign:${id}`);
  if (known && !fresh) return known;
  try {
    const campaign = await getJson(`/api/campaigns/${encodeURIComponent(id)}`);
    await saveSetting(`campaign:${id}`, campaign);
    return campaign;
  } catch {
    return known ?? app.campaigns.find(c => c.id === id) ?? null;
  }
}

/** Fills the campaign picker: the one chosen before, else the one under way today, else the latest. */
export async function drawCampaigns() {
  const day = today();
  const running = app.campaigns.find(c => c.startsOn <= day && (!c.endsOn || c.endsOn >= day));
  const before = await setting('chosenCampaign');
  const chosen = app.campaigns.find(c => c.id === before) ?? running ?? app.campaigns[0];
  $('campaign').replaceChildren(...app.campaigns.map(c => el('option', { value: c.id }, c.title)));
  $('campaign').onchange = () => choose($('campaign').value);
  if (chosen) await choose(chosen.id, { quiet: true });
}

async function choose(id, { quiet = false } = {}) {
  $('campaign').value = id;
  await saveSetting('chosenCampaign', id);
  app.campaign = await campaignDetails(id, { fresh: true });
  drawDates();
  if (!quiet) emit('campaign');
}

export function drawDates() {
  const c = app.campaign;
  $('campaignDates').textContent = c ? `活动期间：${c.startsOn} 至 ${c.endsOn ?? '今'}` : '';
  const latest = c?.endsOn && c.endsOn < today() ? c.endsOn : today();
  for (const input of document.querySelectorAll('form.entry input[type=date]')) {
    input.min = c?.startsOn ?? '';
    input.max = latest;
  }
}
