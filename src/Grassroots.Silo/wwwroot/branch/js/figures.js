// The branch's own figures for the chosen campaign (GET /api/branches/{id}?campaignId=), as the dashboard shows a
// branch's. Figures follow the records by a moment (the service counts them just after it stores them), so they are
// read again after every send and every few seconds; without a network the last ones are shown with their time.
import { $ } from '/js/dom.js';
import { clock } from '/js/format.js';
import { drawTotals } from '/js/totals.js';
import { getJson } from './session.js';
import { app } from './state.js';
import { saveSetting, setting } from './store.js';

export async function refreshFigures() {
  const campaignId = app.campaign?.id;
  if (!campaignId) return;
  try {
    const branch = await getJson(`/api/branches/${encodeURIComponent(app.branch.id)}`, { campaignId });
    await saveSetting(`figures:${campaignId}`, { totals: branch.totals, at: Date.now() });
  } catch {
    // keep the last figures
  }
  await drawFigures();
}

export async function drawFigures() {
  const known = await setting(`figures:${app.campaign?.id}`);
  if (!known) {
    $('totals').replaceChildren();
    $('figuresNote').textContent = '联网后显示本会的数据。';
    return;
  }
  if ($('totals').dataset.shown !== JSON.stringify(known.totals)) {
    drawTotals($('totals'), known.totals, { branch: true });
    $('totals').dataset.shown = JSON.stringify(known.totals);
  }
  $('figuresNote').textContent = `更新于 ${clock(new Date(known.at))}${navigator.onLine ? '' : '（当前离线，联网后更新）'}。已同步的登记会在几秒内计入。`;
}
