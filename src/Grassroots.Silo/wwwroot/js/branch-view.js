// A branch's page (基层工会): its figures and the records it has logged, each with its history of changes (who, when,
// what) from the audit trail. Where a branch key opens; admins reach it from their county's branch list.
import { getJson } from './api.js';
import { $, el, fillTable, redrawer, show } from './dom.js';
import { branchKinds, number, recordFigures, recordKinds } from './format.js';
import { drawPager } from './region-view.js';
import { drawTrail, trail } from './regions.js';
import { drawTotals } from './totals.js';

const PAGE_SIZE = 50;
const redraw = redrawer();
const whatNames = {
  created: '新建', corrected: '修改', voided: '作废', submitted: '上报', approved: '审核通过', returned: '退回', reopened: '重新开放',
  'key-issued': '签发密钥', 'key-revoked': '撤销密钥',
};
const fieldNames = {
  title: '标题', heldOn: '举办日期', publishedOn: '发布日期', format: '形式', kind: '类型', 'attendees.total': '参与人次',
  'attendees.frontline': '一线职工', 'attendees.youth': '青年职工', 'attendees.women': '女职工', onlineViews: '线上观看', notes: '备注',
  audience: '现场受众', venue: '宣讲场所', honoreeIds: '劳模', channel: '渠道', outlet: '刊发媒体', url: '链接', reach: '传播量',
  startsOn: '开始日期', endsOn: '结束日期', 'participants.total': '参与人次', 'participants.frontline': '一线职工',
  'participants.youth': '青年职工', 'participants.women': '女职工', awardees: '获奖人数', campaignId: '活动',
};

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
      el('td', { className: 'text' }, recordKinds[r.kind]?.name ?? r.kind),
      el('td', { className: 'text title' }, r.title ?? '（未填标题）'),
      el('td', { className: 'text' }, recordFigures(r.kind, r.figures)),
      el('td', { className: 'text' }, r.voided ? '已作废' : '有效'),
      el('td', { className: 'text' }, el('button', { type: 'button', className: 'plain', onclick: () => showHistory(branch.id, r) }, '查看')))),
    '本活动尚无记录。');
    drawPager($('recordsPager'), records, '条记录');
  });
}

/** A record's changes, newest first, from GET /api/audit: when, what, which key, and what changed. */
async function showHistory(branchId, record) {
  const history = await getJson('/api/audit', { branchId, recordType: recordKinds[record.kind]?.path, recordId: record.id, pageSize: 100 });
  $('recordHistoryTitle').textContent = `修改记录：${record.title ?? record.id}`;
  fillTable($('historyTable'), history.items.map(e => el('tr', { 'data-what': e.what },
    el('td', { className: 'text date' }, new Date(e.at).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })),
    el('td', { className: 'text' }, whatNames[e.what] ?? e.what),
    el('td', { className: 'text' }, e.by.label ?? e.by.keyId ?? '—'),
    el('td', { className: 'text' }, change(e)))), '没有修改记录。');
  show($('recordHistory'), true);
  $('recordHistory').scrollIntoView({ block: 'nearest' });
}

/** What a change did: the fields a correction changed (before → after), a void's reason, a creation's date and figures. */
function change(entry) {
  if (entry.what === 'voided') return `作废原因：${entry.after?.voidReason ?? '—'}`;
  if (entry.what === 'created') {
    const data = entry.after?.data ?? {};
    return [data.title, data.heldOn ?? data.publishedOn ?? data.startsOn].filter(Boolean).join(' · ');
  }
  const before = flatten(entry.before?.data), after = flatten(entry.after?.data);
  const changed = Object.keys({ ...before, ...after }).filter(k => k !== 'day' && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return changed.map(k => `${fieldNames[k] ?? k}：${valueText(before[k])} → ${valueText(after[k])}`).join('；') || '无变化';
}

const valueText = value => (value === null || value === undefined ? '（空）' : Array.isArray(value) ? value.join('、') : String(value));

function flatten(object, prefix = '', into = {}) {
  for (const [key, value] of Object.entries(object ?? {})) {
    if (value && typeof value === 'object' && !Array.isArray(value)) flatten(value, `${prefix}${key}.`, into);
    else into[`${prefix}${key}`] = value;
  }
  return into;
}

export const forgetBranch = () => {
  redraw.forget();
  show($('recordHistory'), false);
};
