// The three charts (map of China, ranking bars, trend line) drawn with Apache ECharts. Each chart's container is
// role="img" with a label that says what it shows in words; the same figures are in the tables beside it.
import * as echarts from '../vendor/echarts.esm.min.js';
import { measures, number } from './format.js';

const RED = '#b71c1c';
const escapeHtml = text => String(text).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

let chinaMap;

/** Registers the map of China once; resolves to province code → the map's own (short) name for it. */
function loadChinaMap() {
  chinaMap ??= fetch('vendor/china.json')
    .then(response => {
      if (!response.ok) throw new Error(`地图数据加载失败（HTTP ${response.status}）`);
      return response.json();
    })
    .then(geo => {
      echarts.registerMap('china', geo);
      return new Map(geo.features.map(f => [f.id, f.properties.name]));
    });
  return chinaMap;
}

const hasSize = container => container.clientWidth > 0 && container.clientHeight > 0;

/** Resolves once the container has been laid out: ECharts' map cannot place itself in a box of no size. */
function laidOut(container) {
  if (hasSize(container)) return Promise.resolve();
  return new Promise(resolve => {
    const observer = new ResizeObserver(() => {
      if (!hasSize(container)) return;
      observer.disconnect();
      resolve();
    });
    observer.observe(container);
  });
}

function chartIn(container) {
  const existing = echarts.getInstanceByDom(container);
  if (existing) return existing;
  const chart = echarts.init(container, null, { locale: 'ZH' });
  new ResizeObserver(() => {
    if (hasSize(container) && !chart.isDisposed()) chart.resize();
  }).observe(container);
  return chart;
}

/** "最高：广东省 1,234、江苏省 987、浙江省 654" — the top three of a ranking, for the chart's label. */
function topThree(items, measure) {
  const m = measures[measure];
  return [...items].sort((a, b) => m.of(b.totals) - m.of(a.totals)).slice(0, 3)
    .map(item => `${item.name} ${m.format(m.of(item.totals))}`).join('、');
}

/** Provinces coloured by the measure; a click on one calls `onPick(code)`. */
export async function drawMap(container, provinces, measure, onPick) {
  const names = await loadChinaMap();
  await laidOut(container);
  const m = measures[measure];
  const data = provinces.map(p => ({ name: names.get(p.code) ?? p.name, value: m.of(p.totals), code: p.code, fullName: p.name }));
  const max = measure === 'coverage' ? 1 : Math.max(1, ...data.map(d => d.value));
  const chart = chartIn(container);
  chart.setOption({
    tooltip: {
      trigger: 'item',
      formatter: p => p.data ? `${escapeHtml(p.data.fullName)}<br>${m.label}：${m.format(p.data.value)}` : `${escapeHtml(p.name)}：暂无数据`,
    },
    visualMap: {
      type: 'continuous', min: 0, max, orient: 'horizontal', left: 'center', bottom: 0, itemWidth: 12, itemHeight: 140,
      calculable: false, text: ['高', '低'],
      inRange: { color: ['#fde7e4', '#f28b82', RED] }, formatter: value => m.format(value),
    },
    series: [{
      type: 'map', map: 'china', roam: false, data, layoutCenter: ['50%', '46%'], layoutSize: '100%',
      itemStyle: { borderColor: '#fff', areaColor: '#e9ecef' },
      emphasis: { label: { show: false }, itemStyle: { areaColor: '#f6c244' } },
      select: { disabled: true },
    }],
  }, { notMerge: true });
  chart.off('click');
  chart.on('click', p => p.data?.code && onPick(p.data.code));
  container.setAttribute('aria-label',
    `全国各省份${m.label}地图，颜色越深数值越高。${topThree(provinces, measure)}。各省份的数值见下级地区排名表。`);
}

/** Child regions as horizontal bars, largest first; a click on one calls `onPick(code)`. */
export function drawBars(container, children, measure, onPick) {
  const m = measures[measure];
  const sorted = [...children].sort((a, b) => m.of(b.totals) - m.of(a.totals) || a.code.localeCompare(b.code));
  container.style.height = `${Math.max(220, sorted.length * 24 + 48)}px`;
  const chart = chartIn(container);
  chart.setOption({
    grid: { left: 8, right: 56, top: 8, bottom: 24, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: value => m.format(value) },
    xAxis: { type: 'value', max: measure === 'coverage' ? 1 : null, splitNumber: 3, axisLabel: { formatter: value => m.format(value), hideOverlap: true } },
    yAxis: { type: 'category', inverse: true, data: sorted.map(c => c.name), axisLabel: { interval: 0 } },
    series: [{
      type: 'bar', name: m.label, data: sorted.map(c => ({ value: m.of(c.totals), code: c.code })),
      itemStyle: { color: RED }, label: { show: true, position: 'right', formatter: p => m.format(p.value) },
    }],
  }, { notMerge: true });
  chart.resize();
  chart.off('click');
  chart.on('click', p => p.data?.code && onPick(p.data.code));
  container.setAttribute('aria-label', `下级地区${m.label}条形图，由高到低。最高：${topThree(children, measure)}。完整数值见下级地区排名表。`);
}

/** The measure per day or week; coverage is the share of branches active by the end of each period. */
export function drawTrend(container, points, measure, interval) {
  const m = measures[measure];
  const label = measure === 'coverage' ? `${m.label}（累计）` : m.label;
  const chart = chartIn(container);
  chart.setOption({
    grid: { left: 8, right: 16, top: 24, bottom: 24, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: value => m.format(value) },
    xAxis: { type: 'category', data: points.map(p => p.start), boundaryGap: false },
    yAxis: { type: 'value', max: measure === 'coverage' ? 1 : null, axisLabel: { formatter: value => m.format(value) } },
    series: [{
      type: 'line', name: label, data: points.map(p => m.of(p.totals)), showSymbol: points.length < 60,
      itemStyle: { color: RED }, areaStyle: { color: 'rgba(183, 28, 28, .12)' },
    }],
  }, { notMerge: true });
  if (points.length === 0) {
    container.setAttribute('aria-label', `${label}趋势：所选期间没有数据。`);
    return;
  }
  const peak = points.reduce((best, p) => (m.of(p.totals) > m.of(best.totals) ? p : best));
  container.setAttribute('aria-label', `${label}按${interval === 'day' ? '日' : '周'}趋势，共 ${number(points.length)} 个周期，` +
      `从 ${points[0].start} 到 ${points.at(-1).start}；最高在 ${peak.start}（${m.format(m.of(peak.totals))}）。详见下方“以表格查看趋势数据”。`);
}

/** The instance in a container, for tests and for the console. */
export const chartOf = container => echarts.getInstanceByDom(container);
