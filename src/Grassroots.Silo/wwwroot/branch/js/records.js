// The branch's records in the chosen campaign: those on the service (GET /api/branches/{id}/records, kept for offline
// reading) merged with the entries on this phone, each with its state: 待同步, 已同步, 被退回 (with the reason) or
// 已作废. A record can be corrected (a PUT with a changed body) or voided (a DELETE with a reason), both through the
// outbox; an entry never accepted by the service can be discarded.
import { $, el, show } from '/js/dom.js';
import { clock, kindNames, recordFigures, recordKinds } from '/js/format.js';
import { describe, fieldErrors } from '/js/problems.js';
import { edit } from './entry.js';
import { labelOf } from './forms.js';
import { pathOf } from './outbox.js';
import { check } from './rules.js';
import { getJson } from './session.js';
import { app, emit } from './state.js';
import { dropEntry, entriesOf, entry, saveEntry, saveSetting, setting } from './store.js';

const PAGE_SIZE = 500;
const states = { pending: '待同步', synced: '已同步', returned: '被退回', voided: '已作废' };

/** Reads the branch's records of the chosen campaign from the service; keeps the last answer for offline use. */
export async function refreshRecords() {
  const campaignId = app.campaign?.id;
  if (!campaignId) return;
  try {
    const page = await getJson(`/api/branches/${encodeURIComponent(app.branch.id)}/records`, { campaignId, pageSize: PAGE_SIZE });
    await saveSetting(`records:${campaignId}`, { items: page.items, total: page.total, at: Date.now() });
  } catch {
    // offline or the service is away: the last list stays, and says when it was read
  }
}

/** The reason an entry was returned, in Chinese: each field's problem with the field's label, or the problem's title. */
export function reasonOf(e) {
  const label = field => labelOf(e.kind, field);
  const errors = fieldErrors(e.problem, label);
  const parts = Object.entries(errors).map(([field, messages]) =>
    `${field.startsWith('honoreeIds') ? '劳模' : label(field)}：${messages.join('；')}`);
  return parts.length ? parts.join('；') : describe(e.problem?.status, e.problem);
}

export async function drawRecords() {
  const campaignId = app.campaign?.id;
  const server = (await setting(`records:${campaignId}`)) ?? { items: [], at: null };
  const local = (await entriesOf(app.branch.id)).filter(e => e.display.campaignId === campaignId);
  const rows = new Map();
  for (const r of server.items) {
    const kind = recordKinds[r.kind]?.path;
    rows.set(`${kind}/${r.id}`, {
      kind, id: r.id, date: r.date, title: r.title ?? '', figures: recordFigures(r.kind, r.figures),
      state: r.voided ? 'voided' : 'synced', onServer: true, voided: r.voided,
    });
  }
  for (const e of local) {
    const shown = rows.get(`${e.kind}/${e.id}`);
    // What is on the service wins once this phone's entry is accepted (it may have been corrected elsewhere since).
    if (shown && e.state === 'synced') continue;
    rows.set(`${e.kind}/${e.id}`, {
      kind: e.kind, id: e.id, date: e.display.date, title: e.display.title, figures: e.display.figures,
      state: e.op === 'void' && e.state === 'synced' ? 'voided' : e.state, entry: e,
      onServer: Boolean(shown || e.onServer || e.syncedAt), voided: e.op === 'void' && e.state === 'synced',
    });
  }
  const list = [...rows.values()].sort((a, b) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id));
  $('entries').replaceChildren(...list.map(row));
  if (list.length === 0) $('entries').append(el('li', { className: 'empty' }, '本活动还没有记录。'));

  const waiting = local.filter(e => e.state === 'pending').length;
  const returned = local.filter(e => e.state === 'returned').length;
  const count = $('pendingCount');
  count.textContent = String(waiting + returned);
  show(count, waiting + returned > 0);
  $('syncStatus').textContent = [
    waiting ? `${waiting} 条待同步，${navigator.onLine ? '正在发送' : '联网后自动发送'}。` : '',
    returned ? `${returned} 条被退回，请按原因修改后重新保存。` : '',
    !waiting && !returned ? '本手机登记的内容都已同步。' : '',
  ].join('');
  $('recordsNote').textContent = server.at ? `服务器上的记录读取于 ${clock(new Date(server.at))}${navigator.onLine ? '' : '（当前离线）'}。` : '';
}

function row(r) {
  const e = r.entry;
  const action = (label, handler, name) => el('button', { type: 'button', className: 'plain', 'aria-label': `${label}：${name}`, onclick: handler }, label);
  const name = `${r.date} ${kindNames[r.kind]}${r.title ? ` ${r.title}` : ''}`;
  return el('li', { 'data-entry': `${r.kind}/${r.id}`, className: `record state-${r.state}` },
    el('div', { className: 'line' },
      el('span', { className: 'date' }, r.date),
      el('span', { className: 'kind' }, kindNames[r.kind]),
      el('span', { className: `state badge ${r.state}` }, states[r.state])),
    el('p', { className: 'title' }, r.title || '（未填标题）'),
    el('p', { className: 'figures' }, r.figures),
    r.state === 'returned' ? el('p', { className: 'reason' }, `退回原因：${reasonOf(e)}`) : null,
    e?.op === 'void' && e.state !== 'synced' ? el('p', { className: 'note' }, `作废原因：${e.reason}`) : null,
    el('div', { className: 'actions' },
      !r.voided && e?.op !== 'void' ? action('修改', () => open(r), name) : null,
      !r.voided && r.onServer && e?.op !== 'void' ? action('作废', () => askVoid(r, name), name) : null,
      e && e.state !== 'synced' && !r.onServer ? action('删除', () => discard(e), name) : null,
      e?.op === 'void' && e.state === 'returned' ? action('撤回作废', () => discard(e), name) : null));
}

/** Opens a row in its form: this phone's entry as saved, or the record as the service holds it. */
async function open(r) {
  const e = r.entry;
  if (e?.op === 'put') {
    const label = field => labelOf(e.kind, field);
    return edit({ kind: e.kind, id: e.id, body: e.body, campaignId: e.body.campaignId, onServer: r.onServer,
      problems: e.state === 'returned' ? fieldErrors(e.problem, label) : null });
  }
  try {
    const record = await getJson(pathOf({ branchId: app.branch.id, kind: r.kind, id: r.id }));
    const fields = Object.keys(app.rules[r.kind].body.properties);
    const body = Object.fromEntries(fields.filter(f => record[f] !== null && record[f] !== undefined).map(f => [f, record[f]]));
    return edit({ kind: r.kind, id: r.id, body, campaignId: record.campaignId, onServer: true });
  } catch {
    $('syncStatus').textContent = '需要联网才能读取这条记录的全部内容；请联网后再修改。';
  }
}

async function discard(e) {
  await dropEntry(e.key);
  emit('entries');
}

/** Asks why, checks the reason against the DELETE's rule, and queues the void. */
function askVoid(r, name) {
  const dialog = $('voidDialog');
  $('voidWhat').textContent = name;
  $('voidReason').value = '';
  $('voidReason').removeAttribute('aria-invalid');
  show($('voidError'), false);
  $('voidCancel').onclick = () => dialog.close();
  $('voidForm').onsubmit = async event => {
    event.preventDefault();
    const reason = $('voidReason').value.trim();
    const errors = check(app.rules[r.kind].voiding, reason ? { reason } : {}, {});
    if (errors.reason) {
      $('voidError').textContent = errors.reason.join('；');
      show($('voidError'), true);
      $('voidReason').setAttribute('aria-invalid', 'true');
      $('voidReason').focus();
      return;
    }
    const key = `${app.branch.id}/${r.kind}/${r.id}`;
    const before = await entry(key);
    await saveEntry({
      key, branchId: app.branch.id, kind: r.kind, id: r.id, op: 'void', body: before?.body ?? null, reason, state: 'pending',
      problem: null, rev: (before?.rev ?? 0) + 1, savedAt: before?.savedAt ?? Date.now(), syncedAt: before?.syncedAt ?? null, onServer: true,
      display: { date: r.date, title: r.title, figures: r.figures, campaignId: app.campaign.id },
    });
    dialog.close();
    emit('entries');
    app.outbox.sync();
  };
  dialog.showModal();
  $('voidReason').focus();
}
