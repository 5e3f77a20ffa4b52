// A region's page: national, province, city or county. Totals; the child regions on a map (national), as bars and
// ranked in a table; the trend; the honoree leaderboard (national, province); a county's branches; CSV reports.
import { ApiError, download, getJson } from './api.js';
import { childStates, drawApprovals, loadApprovals } from './approvals-view.js';
import { drawBars, drawMap, drawTrend } from './charts.js';
import { $, el, fillTable, redrawer, show } from './dom.js';
import { branchKinds, honoreeTitles, levels, measures, number, percent } from './format.js';
import { drawTrail, region, trail } from './regions.js';
import { branchHref, navigate, regionHref, toRegion } from './route.js';
import { drawTotals } from './totals.js';

const PAGE_SIZE = 50, LEADERBOARD_SIZE = 10;
const childrenOf = { national: '各省（区、市）', province: '各市（地、州、盟）', city: '各县（市、区、旗）' };
const redraw = redrawer();
let shown; // what the table's CSV button asks the service for

export async function loadRegion(context) {
  const { state, campaign, home } = context;
  const code = state.region || home;
  const info = await region(code);
  const period = { campaignId: campaign.id, from: state.from, to: state.to };
  const [rollup, series, board, branches, steps, approvals] = await Promise.all([
    getJson(`/api/rollups/${encodeURIComponent(code)}`, period),
    getJson(`/api/rollups/${encodeURIComponent(code)}/series`, { ...period, interval: state.interval }).catch(tooManyPoints),
    info.level === 'national' || info.level === 'province'
      ? getJson('/api/reports/honorees', { campaignId: campaign.id, regionCode: code, top: LEADERBOARD_SIZE })
      : null,
    info.level === 'county'
      ? getJson(`/api/regions/${encodeURIComponent(code)}/branches`,
        { campaignId: campaign.id, active: state.status, page: state.page, pageSize: PAGE_SIZE })
      : null,
    trail(code, home),
    loadApprovals(context, code),
  ]);
  return { info, rollup, series, board, branches, steps, approvals };
}

/** A daily series over years is refused (400 on interval); the trend says so instead of the whole page failing. */
function tooManyPoints(error) {
  if (error instanceof ApiError && error.status === 400 && error.problem?.errors?.interval) return { points: [], tooMany: true };
  throw error;
}

export async function drawRegion(context, { info, rollup, series, board, branches, steps, approvals }) {
  const { state, campaign, reports } = context;
  const measure = measures[state.measure] ? state.measure : 'attendance';
  const m = measures[measure];
  const children = rollup.children;
  const national = info.level === 'national';
  const states = childStates(approvals);
  shown = { rollup, campaign, code: info.code, from: state.from, to: state.to, period: approvals?.detail?.period };

  redraw('trail', steps, () => drawTrail($('crumbs'), steps));
  redraw('heading', [rollup.name, info.level, children.length], () => $('heading').replaceChildren(rollup.name,
    el('small', {}, levels[info.level] + (children.length ? ` · ${children.length} 个下级地区` : ''))));
  redraw('totals', rollup.totals, () => drawTotals($('totals'), rollup.totals));

  show($('mapPanel'), national);
  show($('barPanel'), children.length > 0);
  show($('childrenPanel'), children.length > 0);
  $('barPanel').classList.toggle('wide', !national);
  if (children.length > 0) {
    $('barTitle').textContent = `${childrenOf[info.level]}${m.label}`;
    $('childrenTitle').textContent = `${childrenOf[info.level]}排名（按${m.label}）`;
    redraw('bars', [children, measure], () => drawBars($('bar'), children, measure, toRegion));
    redraw('children', [children, measure, [...states]], () => drawChildren(children, measure, states));
  }
  if (national) {
    $('mapTitle').textContent = `全国${m.label}地图`;
    await redraw('map', [children, measure], () => drawMap($('map'), children, measure, toRegion));
  }

  show($('branchesPanel'), branches !== null);
  if (branches) {
    $('branchStatus').value = state.status;
    redraw('branches', branches, () => drawBranches(branches));
  }

  $('trendTitle').textContent = `${measure === 'coverage' ? '覆盖率（累计）' : m.label}趋势`;
  for (const radio of document.querySelectorAll('input[name=interval]')) radio.checked = radio.value === state.interval;
  redraw('trend', [series, measure, state.interval], () => drawTrendPanel(series, measure, state.interval));

  show($('leaderboardPanel'), board !== null);
  $('trendPanel').classList.toggle('wide', board === null);
  if (board) redraw('leaderboard', [board, Boolean(state.from || state.to)], () => drawLeaderboard(board, info, state));

  drawReports(reports, info, state, campaign, approvals?.detail?.period);
  drawApprovals(context, approvals, context.refresh);
}

function drawChildren(children, measure, states) {
  const m = measures[measure];
  const ranked = [...children].sort((a, b) => m.of(b.totals) - m.of(a.totals) || a.code.localeCompare(b.code));
  const cell = (field, text) => el('td', { 'data-field': field }, text);
  fillTable($('children'), ranked.map((child, i) => {
    const t = child.totals;
    return el('tr', { 'data-code': child.code },
      el('td', {}, String(i + 1)),
      el('th', { scope: 'row', className: 'text' }, el('a', { href: regionHref(child.code), 'data-nav': '' }, child.name)),
      cell('studySessions', number(t.studySessions)), cell('attendance', number(t.attendance)),
      cell('honoreeTalks', number(t.honoreeTalks)), cell('talkAudience', number(t.talkAudience)),
      cell('publicityItems', number(t.publicityItems)), cell('competitions', number(t.competitions)),
      cell('competitionParticipants', number(t.competitionParticipants)), cell('awardees', number(t.awardees)),
      cell('branches', `${number(t.activeBranches)} / ${number(t.registeredBranches)}`), cell('coverage', percent(t.coverage)),
      el('td', { className: 'text', 'data-field': 'approval' }, states.get(child.code) ?? '—'));
  }), '没有下级地区。');
}

function drawBranches(page) {
  fillTable($('branches'), page.items.map(b => el('tr', { 'data-branch': b.id },
    el('th', { scope: 'row', className: 'text' }, el('a', { href: branchHref(b.id), 'data-nav': '' }, b.name)),
    el('td', { className: 'text' }, branchKinds[b.kind] ?? '—'),
    el('td', {}, number(b.memberCount)),
    el('td', { className: 'text' }, b.active
      ? el('span', { className: 'badge on' }, '已开展')
      : el('span', { className: 'badge off' }, '未开展')))), '没有符合条件的基层工会。');
  drawPager($('branchesPager'), page, '个基层工会');
}

/** "第 1 / 3 页，共 120 个基层工会" with previous/next buttons that change ?page=. */
export function drawPager(pager, { page, pageSize, total }, unit) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const go = to => el('button', { type: 'button', className: 'plain', disabled: to < 1 || to > pages,
    onclick: () => navigate({ page: String(to) }) }, to < page ? '上一页' : '下一页');
  pager.replaceChildren(...(pages > 1 ? [go(page - 1)] : []),
    el('span', {}, `第 ${page} / ${pages} 页，共 ${number(total)} ${unit}`), ...(pages > 1 ? [go(page + 1)] : []));
}

function drawTrendPanel(series, measure, interval) {
  drawTrend($('trend'), series.points, measure, interval);
  if (series.tooMany) $('trend').setAttribute('aria-label', '按日的数据点过多：请缩短日期范围，或改为按周查看。');
  fillTable($('trendTable'), series.points.map(p => el('tr', {},
    el('th', { scope: 'row', className: 'text' }, p.start), el('td', {}, number(p.totals.studySessions)),
    el('td', {}, number(p.totals.attendance)), el('td', {}, number(p.totals.honoreeTalks)),
    el('td', {}, number(p.totals.publicityItems)), el('td', {}, number(p.totals.competitions)), el('td', {}, percent(p.totals.coverage)))),
  series.tooMany ? '按日的数据点过多：请缩短日期范围，或改为按周查看。' : '所选期间没有数据。');
}

function drawLeaderboard(board, info, state) {
  fillTable($('leaderboard'), board.items.map(h => el('tr', { 'data-honoree': h.honoreeId },
    el('td', {}, String(h.rank)), el('th', { scope: 'row', className: 'text' }, h.name),
    el('td', { className: 'text' }, honoreeTitles[h.title] ?? h.title), el('td', { className: 'text' }, h.provinceName ?? h.provinceCode),
    el('td', {}, number(h.talks)), el('td', {}, number(h.audience)), el('td', {}, number(h.onlineViews)),
    el('td', {}, number(h.provincesReached)))), '本活动尚无劳模宣讲记录。');
  $('leaderboardNote').textContent = [
    `按宣讲场次、现场受众排序，前 ${LEADERBOARD_SIZE} 名`,
    info.level === 'province' ? '只计在本省举行的宣讲；到达省份为该劳模宣讲到过的省份数' : '',
    '几位劳模同场的联合宣讲在每位劳模名下各计一场（受众、线上观看也各计一次），在上方的合计中只计一次，所以榜上场次之和可以大于上方的劳模宣讲场次',
    state.from || state.to ? '榜单统计整个活动期间，不受日期筛选影响' : '',
  ].filter(Boolean).join('；') + '。';
}

/**
 * The service's report files (CSV and Excel), where it has them (found in its OpenAPI document): those that take a regionCode are
 * offered for the region shown, the others on the national page only. One that takes a period (the child regions' table) gets
 * the sign-off period shown, so its 审核状态 column is the table's.
 */
function drawReports(reports, info, state, campaign, period) {
  // A county has no child regions: its table of them would hold its total only.
  const offered = reports.filter(r => (r.params.includes('regionCode') || info.level === 'national')
    && !(r.fileName === 'children' && info.level === 'county'));
  show($('reportsPanel'), offered.length > 0);
  redraw('reports', [offered, info.code, state.from, state.to, campaign.id, period], () => $('reports').replaceChildren(...offered.map(report => {
    const values = { campaignId: campaign.id, regionCode: info.code, from: state.from, to: state.to, period };
    const query = Object.fromEntries(report.params.filter(p => p in values).map(p => [p, values[p]]));
    return el('button', { type: 'button', className: 'plain',
      onclick: () => download(report.path, query, `${report.fileName}-${info.code}-${campaign.id}.${report.extension}`) }, report.label);
  })));
}

/**
 * The table as a file: the service's child-regions report, which has the table's columns, its figures for the same dates and
 * the sign-off period shown (审核状态), then the region's total.
 */
export function saveChildrenCsv() {
  if (!shown) return;
  const { rollup, campaign, code, from, to, period } = shown;
  download('/api/reports/children.csv', { campaignId: campaign.id, regionCode: code, from, to, period },
    `${rollup.name}-下级地区-${campaign.id}.csv`);
}

/** A new view starts from scratch, so nothing of the last one is taken for already drawn. */
export const forgetRegion = () => redraw.forget();
