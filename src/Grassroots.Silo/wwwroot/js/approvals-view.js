// Sign-off (上报 / 审核) of the region shown: the campaign's reporting periods, this region's state in the chosen one
// with 上报 when the key may submit it, the regions it approves with 审核通过 / 退回 / 重新开放, and the steps so far.
// Choosing a period also sets the date filter to it, so the figures above are the period's; an approved period is
// marked 已审核 with its approver, beside the heading and the reports.
import { ApiError, download, getJson, sendJson } from './api.js';
import { $, el, fillTable, redrawer, show } from './dom.js';
import { number } from './format.js';
import { describe } from './problems.js';
import { navigate } from './route.js';

export const stateNames = { open: '未上报', submitted: '已上报', approved: '已审核', returned: '已退回' };
const stepNames = { submit: '上报', approve: '审核通过', return: '退回', reopen: '重新开放' };
const redraw = redrawer();
let shown = null; // { code, campaignId, period, onChange }

const enc = encodeURIComponent;
const periodPath = (code, campaignId, period) => `/api/approvals/${enc(code)}/${enc(campaignId)}/${enc(period)}`;

/** "2020年12月", "2020年第49周". */
export function periodLabel(id) {
  const week = /^(\d{4})-W(\d{2})$/.exec(id);
  if (week) return `${week[1]}年第${Number(week[2])}周`;
  const [year, month] = id.split('-');
  return `${year}年${Number(month)}月`;
}

export const when = at => new Date(at).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
const who = by => by?.label ?? by?.keyId ?? '—';

/** The key may take this region's steps: its own region-admin key (submit; decide what it approves), or hq. */
const mayAct = (me, code) => me.role === 'hq' || (me.role === 'region-admin' && me.scope === code);

export async function loadApprovals({ state, campaign }, code) {
  const list = await getJson(`/api/approvals/${enc(code)}`, { campaignId: campaign.id });
  const period = list.periods.find(p => p.period === state.period)?.period ?? list.periods[0]?.period;
  const detail = period ? await getJson(periodPath(code, campaign.id, period)) : null;
  return { list, detail };
}

/** What the ranking table shows per child for the chosen period: its own state, or how far the regions inside it are. */
export function childStates(approvals) {
  const states = new Map();
  for (const child of approvals?.detail?.children ?? []) {
    const b = child.below;
    const inside = b.open + b.submitted + b.approved + b.returned;
    states.set(child.code, child.state ? stateNames[child.state]
      : inside === 0 ? '—' : `已审核 ${b.approved}/${inside}${b.submitted ? `，待审 ${b.submitted}` : ''}`);
  }
  return states;
}

export function drawApprovals({ me, campaign }, { list, detail }, onChange) {
  const panel = $('approvalPanel');
  show(panel, Boolean(detail));
  show($('approvedMark'), false);
  show($('reportsMark'), false);
  if (!detail) return;
  shown = { code: list.regionCode, campaignId: campaign.id, period: detail.period, onChange };

  redraw('periods', [list.periods, detail.period], () => $('period').replaceChildren(...list.periods.map(p => el('option',
    { value: p.period, selected: p.period === detail.period }, `${periodLabel(p.period)}${p.state ? `（${stateNames[p.state]}）` : ''}`))));
  $('period').value = detail.period;

  const approved = detail.state === 'approved' ? [...detail.history].reverse().find(s => s.action === 'approve') : null;
  if (approved) {
    const mark = `已审核 · 审核人：${who(approved.by)} · ${when(approved.at)}`;
    $('approvedMark').replaceChildren(el('span', { className: 'badge on' }, '已审核'), ` ${periodLabel(detail.period)}数据经${detail.approverName ?? ''}审核通过（审核人：${who(approved.by)}，${when(approved.at)}）`);
    $('reportsMark').textContent = `${periodLabel(detail.period)}数据${mark}`;
    show($('approvedMark'), true);
    show($('reportsMark'), true);
  }

  redraw('own', detail, () => drawOwn(detail));
  const canSubmit = detail.submits && mayAct(me, detail.regionCode) && ['open', 'returned'].includes(detail.state);
  show($('submitBox'), canSubmit);
  redraw('approvees', [detail.approvees, me.role, me.scope], () => drawApprovees(detail, mayAct(me, detail.regionCode)));
  show($('approveesWrap'), detail.approvees.length > 0);
}

function drawOwn(detail) {
  const own = $('approvalOwn');
  if (!detail.submits) {
    own.replaceChildren(`${detail.regionName}不单独上报本活动的数据；下表为由本级审核的地区。`);
    show($('historyBox'), false);
    return;
  }
  const waiting = detail.state === 'submitted' ? `，待${detail.approverName ?? '上级'}审核` : '';
  const last = detail.history.at(-1);
  own.replaceChildren(
    el('span', { className: `badge state-${detail.state}`, 'data-state': detail.state }, stateNames[detail.state]),
    ` 本级（${detail.regionName}）${periodLabel(detail.period)}：${stateNames[detail.state]}${waiting}`,
    last ? `；最近一步：${stepNames[last.action]}（${who(last.by)}，${when(last.at)}）` : '',
    detail.locked ? '。该期间本地区基层工会的记录已锁定，不能新增、修改或作废。' : '。');
  show($('historyBox'), detail.history.length > 0);
  $('approvalHistory').replaceChildren(...detail.history.map(step => el('li', {},
    `${when(step.at)} ${stepNames[step.action]} · ${who(step.by)}`,
    step.reason ? ` · 说明：${step.reason}` : '',
    step.figures ? ` · 学习 ${number(step.figures.studySessions)} 场，参与 ${number(step.figures.attendance)} 人次` : '')));
}

function drawApprovees(detail, mayDecide) {
  const button = (label, step, code, reason) => el('button', {
    type: 'button', className: step === 'approve' ? 'primary' : 'plain', 'data-step': step,
    onclick: () => (reason ? askReason(label, code) : Promise.resolve('')).then(text => text === null ? null : take(step, code, text || undefined)),
  }, label);
  fillTable($('approvees'), detail.approvees.map(a => el('tr', { 'data-code': a.code },
    el('th', { scope: 'row', className: 'text' }, a.name),
    el('td', { className: 'text' }, el('span', { className: `badge state-${a.state}`, 'data-state': a.state }, stateNames[a.state])),
    el('td', {}, a.submitted ? number(a.submitted.studySessions) : '—'),
    el('td', {}, a.submitted ? number(a.submitted.attendance) : '—'),
    el('td', { className: 'text' }, a.updatedBy ? `${who(a.updatedBy)}（${when(a.updatedAt)}）` : '—'),
    el('td', { className: 'text actions' }, !mayDecide ? '—' : a.state === 'submitted'
      ? [button('审核通过', 'approve', a.code, false), ' ', button('退回', 'return', a.code, true)]
      : a.state === 'approved' ? button('重新开放', 'reopen', a.code, true) : '—'))), '本级没有需要审核的地区。');
}

/** Asks for the reason of a return or re-opening in the page's dialog; null when cancelled. */
function askReason(label, code) {
  const dialog = $('reasonDialog');
  $('reasonTitle').textContent = `${label}：${$('approvees').querySelector(`tr[data-code="${code}"] th`)?.textContent ?? code}`;
  $('reasonText').value = '';
  show($('reasonError'), false);
  dialog.showModal();
  return new Promise(resolve => {
    const done = value => {
      $('reasonConfirm').onclick = $('reasonCancel').onclick = null;
      dialog.close();
      resolve(value);
    };
    $('reasonCancel').onclick = () => done(null);
    $('reasonConfirm').onclick = event => {
      event.preventDefault();
      const text = $('reasonText').value.trim();
      if (!text) {
        $('reasonError').textContent = '请填写原因';
        show($('reasonError'), true);
        return;
      }
      done(text);
    };
  });
}

async function take(step, code, reason) {
  if (!shown) return;
  const error = $('approvalError');
  show(error, false);
  try {
    await sendJson('POST', `${periodPath(code, shown.campaignId, shown.period)}/${step}`, { body: reason ? { reason } : {} });
    await shown.onChange();
  } catch (failure) {
    error.textContent = failure instanceof ApiError ? describe(failure.status, failure.problem) : `无法连接服务：${failure.message}`;
    show(error, true);
  }
}

export function bindApprovals() {
  $('period').addEventListener('change', async event => {
    const period = event.target.value;
    const listed = [...event.target.options].find(o => o.value === period);
    if (!listed) return;
    const bounds = await periodBounds(period);
    navigate({ period, from: bounds.start, to: bounds.end, page: null });
  });
  // Who changed what in the region shown: every change of its branches, keys and periods, as a file for Excel.
  $('auditCsv').addEventListener('click', () => shown && download('/api/audit.csv', { regionCode: shown.code }, `修改记录-${shown.code}.csv`));
  $('auditXlsx').addEventListener('click', () => shown && download('/api/audit.xlsx', { regionCode: shown.code }, `修改记录-${shown.code}.xlsx`));
  $('submitPeriod').addEventListener('click', () => {
    if (!shown) return;
    const note = $('submitNote').value.trim();
    $('submitNote').value = '';
    take('submit', shown.code, note || undefined);
  });
}

/** A period's first and last day, from the periods listed for the region. */
async function periodBounds(period) {
  const list = await getJson(`/api/approvals/${enc(shown.code)}`, { campaignId: shown.campaignId });
  const found = list.periods.find(p => p.period === period);
  return { start: found?.start ?? null, end: found?.end ?? null };
}

export const forgetApprovals = () => redraw.forget();
