// 基层工会密钥 (hq and region-admins): one key for every branch of a county (POST /api/keys per branch, a few at a
// time), printed as a sheet of QR codes, each the branch's sign-in link to the branch page (/branch/#key=…). The keys
// live only in this page's memory and on that sheet: the service never shows a key again.
import { ApiError, getJson, sendJson } from './api.js';
import { $, el, show } from './dom.js';
import { number } from './format.js';
import { describe } from './problems.js';
import { qrSvg } from './qr.js';

const PAGE_SIZE = 500, AT_ONCE = 4;

let county = null;

export async function openKeys(me) {
  county = null;
  show($('issueKeys'), true);
  $('issueKeys').disabled = true;
  $('issueKeys').onclick = issue;
  $('countyInfo').textContent = '';
  show($('keysError'), false);
  $('countyPicker').replaceChildren();
  await pickFrom(me.role === 'hq' ? 'CN' : me.scope, 0);
}

/** One select per level below `code`, down to a county (a region without children). */
async function pickFrom(code, depth) {
  const region = await getJson(`/api/regions/${encodeURIComponent(code)}`);
  if (region.children.length === 0) return chooseCounty(region);
  const names = { national: '省（自治区、直辖市）', province: '市（地、州、盟）', city: '县（市、区、旗）' };
  const select = el('select', { id: `pick-${depth}` },
    el('option', { value: '' }, '请选择'), ...region.children.map(c => el('option', { value: c.code }, c.name)));
  select.addEventListener('change', async () => {
    [...$('countyPicker').children].slice(depth + 1).forEach(node => node.remove());
    county = null;
    $('issueKeys').disabled = true;
    $('countyInfo').textContent = '';
    if (select.value) await pickFrom(select.value, depth + 1);
  });
  $('countyPicker').append(el('label', {}, names[region.level] ?? '下级地区', select));
}

async function chooseCounty(region) {
  const page = await getJson(`/api/regions/${encodeURIComponent(region.code)}/branches`, { pageSize: 1 });
  county = { code: region.code, name: region.name, total: page.total };
  $('countyInfo').textContent = `${region.name}：已登记 ${number(page.total)} 个基层工会。`;
  $('issueKeys').textContent = `为${region.name}的 ${number(page.total)} 个基层工会签发密钥并生成登录单`;
  $('issueKeys').disabled = page.total === 0;
}

async function allBranches(code) {
  const branches = [];
  for (let page = 1; ; page++) {
    const answer = await getJson(`/api/regions/${encodeURIComponent(code)}/branches`, { page, pageSize: PAGE_SIZE });
    branches.push(...answer.items);
    if (branches.length >= answer.total || answer.items.length === 0) return branches;
  }
}

async function issue() {
  const target = county;
  if (!target) return;
  $('issueKeys').disabled = true;
  show($('keysError'), false);
  const progress = $('issueProgress');
  try {
    const branches = await allBranches(target.code);
    progress.max = branches.length;
    progress.value = 0;
    show(progress, true);
    const issued = new Array(branches.length);
    let next = 0;
    const worker = async () => {
      while (next < branches.length) {
        const i = next++;
        const b = branches[i];
        const key = await sendJson('POST', '/api/keys', { body: { role: 'branch', scope: b.id, label: b.name } });
        issued[i] = { id: b.id, name: b.name, key: key.key };
        progress.value++;
        $('countyInfo').textContent = `正在签发：${number(progress.value)} / ${number(branches.length)}`;
      }
    };
    await Promise.all(Array.from({ length: Math.min(AT_ONCE, branches.length) }, worker));
    drawSheet(target, issued);
    $('countyInfo').textContent = `已为${target.name}的 ${number(issued.length)} 个基层工会签发密钥。`;
  } catch (error) {
    $('keysError').textContent = `签发中断（已签发的密钥仍然有效）：${error instanceof ApiError ? describe(error.status, error.problem) : error.message}`;
    show($('keysError'), true);
  } finally {
    show(progress, false);
    $('issueKeys').disabled = false;
  }
}

function drawSheet(target, issued) {
  const link = key => `${location.origin}/branch/#key=${encodeURIComponent(key)}`;
  $('sheetTitle').textContent = `${target.name}基层工会登记页登录单`;
  $('sheetNote').textContent = `签发于 ${new Date().toLocaleString('zh-CN', { hour12: false })}，共 ${issued.length} 个。` +
    '请沿虚线剪开，交给各基层工会负责登记的同志：用手机扫描二维码即可登录；也可打开登记页粘贴密钥。二维码即密钥，请妥善保管，丢失请联系上级工会作废重发。';
  $('sheetCards').replaceChildren(...issued.map(b => el('li', { 'data-branch': b.id },
    el('h3', {}, b.name),
    el('p', { className: 'note' }, `编号 ${b.id}`),
    qrSvg(link(b.key), `${b.name}的登录二维码`),
    el('p', { className: 'key' }, '密钥：', el('code', {}, b.key)))));
  show($('keysView'), false);
  show($('keySheet'), true);
  document.body.classList.add('sheet-open');
  $('printSheet').onclick = () => print();
  $('closeSheet').onclick = () => closeSheet();
  $('sheetTitle').scrollIntoView();
}

/** The keys go with the sheet: nothing else holds them. */
export function closeSheet() {
  const open = !$('keySheet').hidden;
  $('sheetCards').replaceChildren();
  show($('keySheet'), false);
  document.body.classList.remove('sheet-open');
  if (open) show($('keysView'), true);
}
