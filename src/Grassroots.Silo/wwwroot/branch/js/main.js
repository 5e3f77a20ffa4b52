// The branch officers' page (/branch/): sign in with the branch key (a link or QR code, or pasted), log study sessions,
// honoree talks, publicity items and labour and skills competitions on a phone with or without a network, see their
// state, correct or void them, and see the branch's figures. Everything read is kept on the phone; entries wait in the
// outbox until they can be sent.
import { ApiError, openApiDocument } from '/js/api.js';
import { $, show } from '/js/dom.js';
import { campaignDetails, drawCampaigns, drawDates, loadCampaigns } from './campaigns.js';
import { resetEntry, setUpEntry } from './entry.js';
import { drawFigures, refreshFigures } from './figures.js';
import { prepareForms } from './forms.js';
import { setUpHonorees } from './honorees.js';
import { createOutbox } from './outbox.js';
import { drawRecords, refreshRecords } from './records.js';
import { recordRules } from './rules.js';
import { currentKey, getJson, loadKey, signOut as forgetKey, takeKeyFromAddress, useKey } from './session.js';
import { app, on } from './state.js';
import { entriesOf, rememberHonorees, saveSetting, setting } from './store.js';
import { registerWorker } from './worker.js';

const REFRESH_MS = 10_000;

let started = false;

registerWorker();
$('signIn').addEventListener('submit', submitKey);
$('signOut').addEventListener('click', signOut);
$('syncNow').addEventListener('click', () => app.outbox?.sync());
for (const tab of document.querySelectorAll('[data-tab]')) tab.addEventListener('click', () => showTab(tab.dataset.tab));
on('tab', showTab);
on('entries', () => drawRecords());
on('campaign', () => campaignChanged());
// A sign-in link opened on the page already open (only the fragment changed): start again with its key.
addEventListener('hashchange', async () => (await takeKeyFromAddress()) && location.reload());
addEventListener('online', drawNetwork);
addEventListener('offline', drawNetwork);
drawNetwork();
boot();

async function boot() {
  await takeKeyFromAddress();
  if (await loadKey()) await start();
  else showSignIn();
}

function showSignIn(message) {
  show($('app'), false);
  show($('signOut'), false);
  show($('signIn'), true);
  $('who').textContent = '学习会、劳模宣讲、宣传报道、劳动和技能竞赛，随时登记';
  const error = $('signInError');
  error.textContent = message ?? '';
  show(error, Boolean(message));
  $('key').toggleAttribute('aria-invalid', Boolean(message));
  $('key').focus();
}

async function submitKey(event) {
  event.preventDefault();
  const key = $('key').value.trim();
  if (!key) return showSignIn('请先粘贴密钥。');
  $('key').value = '';
  await useKey(key);
  await start();
}

/** Who the key is (a branch key only), then what the page needs: read from the service, or as last read when offline. */
async function start() {
  try {
    app.me = await getJson('/api/me');
    await saveSetting('me', app.me);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      await forgetKey();
      return showSignIn('密钥无效或已被撤销，请向上级工会索取新的登录二维码。');
    }
    app.me = await setting('me');
    if (!app.me) {
      // A sign-in link opened without a network: the key is kept, and signing in finishes when the network returns.
      addEventListener('online', start, { once: true });
      return showSignIn('已保存密钥，但首次登录需要联网。联网后将自动完成登录。');
    }
  }
  if (app.me.role !== 'branch') {
    await forgetKey();
    return showSignIn('这是地区管理员或总部的密钥，请在看板使用：本页只用于基层工会登记。');
  }
  try {
    await Promise.all([loadBranch(), loadCampaigns(), loadRules()]);
  } catch {
    return showSignIn('无法读取本会的资料：首次使用需要联网。');
  }
  show($('signIn'), false);
  show($('app'), true);
  show($('signOut'), true);
  $('who').textContent = `${app.branch.name}${app.branch.regionName ? ` · ${app.branch.regionName}` : ''}`;

  prepareForms(app.rules);
  if (!started) {
    // Once per page: signing in again (a revoked key replaced) must not add a second set of listeners.
    started = true;
    setUpHonorees(name => getJson('/api/honorees', { name, pageSize: 20 }));
    setUpEntry();
    setInterval(refresh, REFRESH_MS);
  }
  await drawCampaigns();
  resetEntry();
  app.outbox?.stop();
  app.outbox = createOutbox({
    key: currentKey, branchId: app.branch.id,
    onChange: outcome => afterSend(outcome),
    onSignedOut: () => showSignIn('密钥已被撤销。未发送的登记仍保存在本手机上，用新密钥登录后会继续发送。'),
  });
  await drawRecords();
  await drawFigures();
  prefetchHonorees();
  await Promise.all([refreshRecords(), refreshFigures()]);
  await drawRecords();
  app.outbox.sync();
}

async function loadBranch() {
  try {
    app.branch = await getJson(`/api/branches/${encodeURIComponent(app.me.scope)}`);
    await saveSetting('branch', app.branch);
  } catch (error) {
    app.branch = await setting('branch');
    if (!app.branch) throw error;
  }
}

/** The rules come from the OpenAPI document (served without a key); the last ones read are kept for offline use. */
async function loadRules() {
  const rules = recordRules(await openApiDocument());
  if (Object.keys(rules).length > 0) await saveSetting('rules', rules);
  app.rules = Object.keys(rules).length > 0 ? rules : (await setting('rules')) ?? {};
  if (Object.keys(app.rules).length === 0) throw new Error('no rules');
}

/** The honorees of the branch's province, so a talk can be logged offline with the usual ones. */
async function prefetchHonorees() {
  try {
    const province = `${app.branch.regionCode.slice(0, 2)}0000`;
    await rememberHonorees((await getJson('/api/honorees', { provinceCode: province, pageSize: 500 })).items);
  } catch {
    // offline: those seen before stay
  }
}

let refreshing = false;
async function refresh() {
  if (refreshing || document.hidden || !navigator.onLine) return;
  refreshing = true;
  try {
    await Promise.all([refreshRecords(), refreshFigures()]);
    await drawRecords();
  } finally {
    refreshing = false;
  }
}

async function afterSend(outcome) {
  await drawRecords();
  drawNetwork();
  if (outcome === undefined) return;
  // A returned entry may have met changed campaign dates: read them again, so the next check uses them.
  const returned = (await entriesOf(app.branch.id)).some(e => e.state === 'returned');
  if (returned && app.campaign) {
    app.campaign = await campaignDetails(app.campaign.id, { fresh: true });
    drawDates();
  }
  await refresh();
}

async function campaignChanged() {
  resetEntry();
  await drawRecords();
  await drawFigures();
  await Promise.all([refreshRecords(), refreshFigures()]);
  await drawRecords();
}

function showTab(name) {
  for (const tab of document.querySelectorAll('[data-tab]')) tab.setAttribute('aria-pressed', String(tab.dataset.tab === name));
  show($('entryTab'), name === 'entry');
  show($('recordsTab'), name === 'records');
  show($('figuresTab'), name === 'figures');
  if (name === 'figures') drawFigures();
}

function drawNetwork() {
  const online = navigator.onLine;
  $('network').textContent = online ? '在线' : '离线';
  $('network').className = `pill ${online ? 'on' : 'off'}`;
}

async function signOut() {
  const waiting = app.branch ? (await entriesOf(app.branch.id)).filter(e => e.state !== 'synced').length : 0;
  if (waiting && !confirm(`还有 ${waiting} 条登记没有发送成功。退出后它们仍保存在本手机上，但要用本会的密钥重新登录才能发送。确定退出？`)) return;
  app.outbox?.stop();
  await forgetKey();
  location.replace(location.pathname);
}
