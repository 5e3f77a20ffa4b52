// The dashboard: sign in with an API key, open where the key belongs (hq: the nation; a region-admin: its region;
// a branch key: its branch), follow the address for drill-down and filters, and refresh the figures every 5 s.
import { ApiError, getJson, openApiPaths, session } from './api.js';
import { bindApprovals, forgetApprovals } from './approvals-view.js';
import { drawBranch, forgetBranch, loadBranch } from './branch-view.js';
import { openImport, leaveImport } from './import-view.js';
import { closeSheet, openKeys } from './keys-view.js';
import { $, el, show } from './dom.js';
import { clock, measures } from './format.js';
import { region } from './regions.js';
import { drawRegion, forgetRegion, loadRegion, saveChildrenCsv } from './region-view.js';
import { navigate, onNavigate, readState } from './route.js';

const REFRESH_MS = 5000;
const TITLE = '基层工会学习宣传看板';
const fieldNames = { campaignId: '活动', from: '开始日期', to: '结束日期', page: '页码', interval: '周期', active: '状态', period: '审核期间' };

let me = null, campaigns = [], reports = [];
let generation = 0, busy = false, lastView = '', started = false;

$('signIn').addEventListener('submit', signIn);
$('signOut').addEventListener('click', signOut);
bindFilters();
bindApprovals();
session.forgetLegacyKey();
if (session.key) start(); else showSignIn();

function showSignIn(message) {
  show($('app'), false);
  show($('signOut'), false);
  show($('signIn'), true);
  const error = $('signInError');
  error.textContent = message ?? '';
  show(error, Boolean(message));
  $('key').focus();
}

async function signIn(event) {
  event.preventDefault();
  const key = $('key').value.trim();
  if (!key) return;
  session.key = key;
  $('key').value = '';
  await start();
}

function signOut() {
  session.clear();
  location.assign(location.pathname);
}

async function start() {
  try {
    me = await getJson('/api/me'); // first and alone: a wrong key is refused once, not once per request
    [{ items: campaigns }, reports] = await Promise.all([getJson('/api/campaigns'), findReports()]);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) session.clear();
    showSignIn(error instanceof ApiError && error.status === 401 ? '密钥无效或已被撤销，请重新输入。' : `无法连接服务：${error.message}`);
    return;
  }
  show($('signIn'), false);
  show($('app'), true);
  show($('signOut'), true);
  show($('tools'), me.role !== 'branch');
  $('who').textContent = await describe(me);
  $('campaign').replaceChildren(...campaigns.map(c => el('option', { value: c.id }, c.title)));
  $('measure').replaceChildren(...Object.entries(measures).map(([value, m]) => el('option', { value }, m.label)));
  if (!started) {
    started = true;
    onNavigate(() => render());
    setInterval(() => refresh(), REFRESH_MS);
    document.addEventListener('visibilitychange', () => refresh());
  }
  await render();
}

/** "总部 · 全国", "地区管理员 · 青海省", "基层工会" — who is signed in, in the header. */
async function describe({ role, scope }) {
  if (role === 'hq') return '总部 · 全国';
  if (role === 'region-admin') return `地区管理员 · ${(await region(scope).catch(() => ({ name: scope }))).name}`;
  return '基层工会';
}

const home = () => (me.role === 'hq' ? 'CN' : me.role === 'region-admin' ? me.scope : null);

/** The service's reports as files (CSV, and Excel where it has them), as its OpenAPI document lists them. */
async function findReports() {
  const known = {
    'provinces.csv': '各省份汇总（CSV）',
    'provinces.xlsx': '各省份汇总（Excel）',
    'children.csv': '下级地区汇总（CSV）',
    'children.xlsx': '下级地区汇总（Excel）',
    'inactive-branches.csv': '未开展的基层工会名单（CSV）',
    'inactive-branches.xlsx': '未开展的基层工会名单（Excel）',
  };
  return Object.entries(await openApiPaths())
    .filter(([path, operations]) => /^\/api\/reports\/[^/{}]+\.(csv|xlsx)$/.test(path) && operations.get)
    .map(([path, operations]) => {
      const file = path.split('/').pop();
      return {
        path, label: known[file] ?? `${file}`, fileName: file.replace(/\.(csv|xlsx)$/, ''), extension: file.split('.').pop(),
        params: (operations.get.parameters ?? []).filter(p => p.in === 'query').map(p => p.name),
      };
    });
}

function refresh() {
  if (!me || busy || document.hidden || tool()) return;
  render({ quiet: true });
}

/** The admin page the address asks for (导入, 基层工会密钥), or '' for the figures. */
const tool = () => (me && me.role !== 'branch' && ['import', 'keys'].includes(readState().tool) ? readState().tool : '');

/** Shows 导入 or 基层工会密钥 instead of the figures; a key sheet left open goes (its keys with it). */
async function renderTool(name) {
  for (const link of document.querySelectorAll('#tools a')) {
    if (link.dataset.tool === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  closeSheet();
  if (name !== 'import') leaveImport();
  show($('figuresView'), !name);
  show($('importView'), name === 'import');
  show($('keysView'), name === 'keys');
  if (!name) return false;
  lastView = '';
  document.title = `${name === 'import' ? '导入' : '基层工会密钥'} · ${TITLE}`;
  try {
    if (name === 'import') await openImport();
    else await openKeys(me);
  } catch (error) {
    failed(error, false);
    show($('figuresView'), true);
  }
  return true;
}

/** Draws what the address asks for. A newer render (navigation) makes an older one's answer moot. */
async function render({ quiet = false } = {}) {
  if (!quiet && await renderTool(tool())) return;
  const mine = ++generation;
  busy = true;
  const state = readState();
  const campaign = campaigns.find(c => c.id === state.campaign) ?? campaigns[0];
  if (!campaign) {
    fail('尚无活动：总部创建活动后，这里会显示各地的数据。');
    busy = false;
    return;
  }
  syncFilters(state, campaign);
  const branchView = me.role === 'branch' || Boolean(state.branch);
  const view = branchView ? `branch:${state.branch}` : `region:${state.region || home()}`;
  if (view !== lastView) {
    forgetRegion();
    forgetBranch();
    forgetApprovals();
    lastView = view;
  }
  const context = { state, campaign, me, home: home(), reports, refresh: () => render() };
  try {
    const data = branchView ? await loadBranch(context) : await loadRegion(context);
    if (mine !== generation) return;
    show($('viewError'), false);
    show($('regionView'), !branchView);
    show($('branchView'), branchView);
    show($('measure').closest('label'), !branchView);
    if (branchView) drawBranch(context, data);
    else await drawRegion(context, data);
    document.title = `${$('heading').firstChild?.textContent ?? ''} · ${TITLE}`;
    $('status').textContent = `已更新 ${clock(new Date())}`;
  } catch (error) {
    if (mine === generation) failed(error, quiet);
  } finally {
    if (mine === generation) busy = false;
  }
}

function failed(error, quiet) {
  if (error instanceof ApiError && error.status === 401) {
    session.clear();
    showSignIn('密钥已失效或被撤销，请重新输入。');
  } else if (error instanceof ApiError && error.status === 403) {
    fail('此密钥无权查看这里的数据。', true);
  } else if (error instanceof ApiError && error.status === 404) {
    fail('没有找到这个地区或基层工会。', true);
  } else if (error instanceof ApiError && error.status === 400) {
    const fields = Object.keys(error.problem?.errors ?? {}).map(f => fieldNames[f] ?? f);
    fail(`筛选条件有误${fields.length ? `：${fields.join('、')}` : ''}。${error.problem?.errors?.to ? '结束日期不能早于开始日期。' : ''}`);
  } else if (quiet) {
    // A refresh that failed (service restarting, network) keeps the last figures and says so.
    $('status').textContent = `刷新失败（${error.message}），将自动重试`;
  } else {
    fail(`加载失败：${error.message}`);
  }
}

/** Shows a message instead of the figures, with a way back to where the key belongs. */
function fail(message, offerHome = false) {
  show($('regionView'), false);
  show($('branchView'), false);
  $('heading').replaceChildren();
  $('totals').replaceChildren();
  $('crumbs').replaceChildren();
  lastView = '';
  const box = $('viewError');
  box.replaceChildren(message, ...(offerHome ? [' ', el('a', { href: location.pathname, 'data-nav': '' }, '返回首页')] : []));
  show(box, true);
}

function syncFilters(state, campaign) {
  $('campaign').value = campaign.id;
  $('measure').value = measures[state.measure] ? state.measure : 'attendance';
  const today = new Date().toLocaleDateString('sv-SE'); // YYYY-MM-DD in local time
  for (const id of ['from', 'to']) {
    const input = $(id);
    input.value = state[id];
    input.min = campaign.startsOn;
    input.max = campaign.endsOn && campaign.endsOn < today ? campaign.endsOn : today;
  }
}

function bindFilters() {
  $('campaign').addEventListener('change', e => navigate({ campaign: e.target.value, page: null }));
  $('from').addEventListener('change', e => navigate({ from: e.target.value, page: null }));
  $('to').addEventListener('change', e => navigate({ to: e.target.value, page: null }));
  $('clearDates').addEventListener('click', () => navigate({ from: null, to: null, page: null }));
  $('measure').addEventListener('change', e => navigate({ measure: e.target.value }));
  for (const radio of document.querySelectorAll('input[name=interval]')) {
    radio.addEventListener('change', e => navigate({ interval: e.target.value }));
  }
  $('branchStatus').addEventListener('change', e => navigate({ status: e.target.value, page: null }));
  $('childrenCsv').addEventListener('click', saveChildrenCsv);
}
