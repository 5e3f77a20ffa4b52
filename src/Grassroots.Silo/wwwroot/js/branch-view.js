// A branch's page (基层工会): its figures and the records it has logged. Where a branch key opens; admins reach it
// from their county's branch list.
import { getJson } from './api.js';
import { $, el, fillTable, redrawer } from './dom.js';
import { branchKinds, number, recordFigures, recordKinds } from './format.js';
import { drawPager } from './region-view.js';
import { drawTrail, trail } from './regions.js';
import { drawTotals } from './totals.js';

const PAGE_SIZE = 50;
const redraw = redrawer();

export async function loadBranch({ state, campaign, me, home }) {
  const id = me.role === 'branch' ? me.scope : state.branch;
  const path = `/api/branches/${encodeURIComponent(id)}`;
  const [branch, records] = await Promise.all([
    getJson(path, { campaignId: campaign.id, from: state.from, to: state.to }),
    getJson(`${path}/records`, { campaignId: campaign.id, page: state.page, pageSize: PAGE_SIZE }),
  ]);
  // A branch key sees its branch alone; an admin sees where the branch lies, from its own region down.
  const steps = me.role === 'branch' ? [] : await trail(branch.regionCode, home);
  return { branch, records, steps };
}

export function drawBranch(_, { branch, records, steps }) {
  redraw('trail', [steps, branch.name], () => drawTrail($('crumbs'), [...steps, { code: branch.id, name: branch.name }]));
  redraw('heading', [branch.name, branch.regionName, branch.memberCount, branch.kind], () => $('heading').replaceChildren(branch.name,
    el('small', {}, [branch.regionName ?? branch.regionCode, `会员 ${number(branch.memberCount)} 人`, branchKinds[branch.kind]]
      .filter(Boolean).join(' · '))));
  redraw('totals', branch.totals, () => drawTotals($('totals'), branch.totals, { branch: true }));
  redraw('records', records, () => {
    fillTable($('records'), records.items.map(r => el('tr', { 'data-record': `${r.kind}/${r.id}`, className: r.voided ? 'voided' : '' },
      el('td', { className: 'text date' }, r.date),
      el('td', { className: 'text' }, recordKinds[r.kind] ?? r.kind),
      el('td', { className: 'text title' }, r.title ?? '（未填标题）'),
      el('td', { className: 'text' }, recordFigures(r.kind, r.figures)),
      el('td', { className: 'text' }, r.voided ? '已作废' : '有效'))), '本活动尚无记录。');
    drawPager($('recordsPager'), records, '条记录');
  });
}

export const forgetBranch = () => redraw.forget();
