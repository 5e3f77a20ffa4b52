// 导入 (hq and region-admins): an Excel workbook (.xlsx, its first sheet) or a CSV file saved from Excel (UTF-8 or
// GB18030) is checked by the service's dry run, which lists each row's problems (a workbook's by sheet, row and column),
// then imported as a job (POST /api/imports?async=true) whose progress is polled (GET /api/imports/{id}). The columns
// and their Chinese headers come from the service's OpenAPI document (x-csv-columns on POST /api/imports), which states
// what its readers accept; the Excel template is the service's own (GET /api/imports/templates/{type}.xlsx), with its
// dropdowns and, for a county's admin, the county's branches.
import { ApiError, download, getJson, openApiDocument, sendJson } from './api.js';
import { saveCsv } from './csv.js';
import { $, el, fillTable, show } from './dom.js';
import { importTypes, number } from './format.js';
import { besides, describe, translate } from './problems.js';

const POLL_MS = 500;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let columns = null; // { type: [{ field, headers, required }] }
let file = null; // { bytes, name, workbook, encoding, lines } (a workbook's lines are not read here)
let generation = 0; // a newer file or a page change stops an older job's polling

export async function openImport() {
  generation++;
  if (columns) return;
  columns = (await openApiDocument()).paths?.['/api/imports']?.post?.['x-csv-columns'] ?? {};
  $('importType').replaceChildren(...Object.keys(columns).map(type => el('option', { value: type }, importTypes[type] ?? type)));
  $('importType').value = Object.keys(columns).includes('study-sessions') ? 'study-sessions' : Object.keys(columns)[0];
  // Another kind means another file: what was chosen and checked is put away (a file's header picks its kind anyway).
  $('importType').addEventListener('change', () => {
    generation++;
    file = null;
    $('importFile').value = '';
    $('fileInfo').textContent = '';
    show($('importResult'), false);
    show($('importError'), false);
    drawColumns();
  });
  $('template').addEventListener('click', saveTemplate);
  $('templateXlsx').addEventListener('click', () =>
    download(`/api/imports/templates/${encodeURIComponent(type())}.xlsx`, {}, `${importTypes[type()] ?? type()}-导入模板.xlsx`)
      .catch(error => fail(problemText(error))));
  $('importFile').addEventListener('change', () => $('importFile').files[0] && choose($('importFile').files[0]));
  const zone = $('dropZone');
  zone.addEventListener('dragover', event => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', event => {
    event.preventDefault();
    zone.classList.remove('over');
    if (event.dataTransfer.files[0]) choose(event.dataTransfer.files[0]);
  });
  $('startImport').addEventListener('click', startJob);
  drawColumns();
}

export const leaveImport = () => generation++;

const type = () => $('importType').value;

/** A column's header as a person writes it: its first Chinese header, else its API name. */
const headerOf = column => column.headers[1] ?? column.headers[0];

/** What a problem of the whole file names: its body or its header row. */
const fileParts = { body: '文件', header: '表头' };

function label(kind, field) {
  if (fileParts[field]) return fileParts[field];
  const column = columns[kind]?.find(c => c.field === field.replace(/\[\d+\]$/, ''));
  return column ? headerOf(column) : field;
}

function drawColumns() {
  fillTable($('columnTable'), columns[type()].map(c => el('tr', {},
    el('td', { className: 'text' }, headerOf(c)),
    el('td', { className: 'text' }, c.headers.filter(h => h !== headerOf(c)).join('、')),
    el('td', { className: 'text' }, c.required ? '必填' : ''))), '');
}

function saveTemplate() {
  saveCsv(`${importTypes[type()] ?? type()}-导入模板.csv`, columns[type()].map(headerOf), []);
}

/** UTF-8 if the bytes are valid UTF-8 (with or without BOM), else GB18030, as Excel on a Chinese Windows saves. */
function decode(bytes) {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'GB18030' };
  }
}

/** The type whose columns the header names best (every required one, then the most), when it is not the chosen one. */
function guessType(header) {
  const names = new Set(header.split(',').map(h => h.trim().replace(/^"|"$/g, '')));
  const fits = Object.entries(columns)
    .map(([kind, list]) => ({
      kind, named: list.filter(c => c.headers.some(h => names.has(h))).length,
      complete: list.filter(c => c.required).every(c => c.headers.some(h => names.has(h))),
    }))
    .filter(f => f.complete)
    .sort((a, b) => b.named - a.named);
  return fits.some(f => f.kind === type()) ? type() : fits[0]?.kind;
}

/** An .xlsx is a zip: it starts with PK\x03\x04 whatever its name says. */
const isWorkbook = bytes => bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;

async function choose(chosen) {
  const bytes = new Uint8Array(await chosen.arrayBuffer());
  if (isWorkbook(bytes) || /\.xlsx$/i.test(chosen.name)) {
    // Its header is inside the zip: the dry run says whether it fits the kind chosen.
    file = { bytes, name: chosen.name, workbook: true, lines: [] };
    $('fileInfo').textContent = `${chosen.name}：Excel 工作簿，读取第一个工作表（导入${importTypes[type()] ?? type()}）。`;
    await dryRun();
    return;
  }
  const { text, encoding } = decode(bytes);
  const lines = text.split(/\r\n|\n|\r/);
  file = { bytes, name: chosen.name, encoding, lines };
  const guessed = guessType(lines[0] ?? '');
  let note = '';
  if (guessed && guessed !== type()) {
    $('importType').value = guessed;
    drawColumns();
    note = `按表头识别为“${importTypes[guessed]}”。`;
  }
  $('fileInfo').textContent = `${chosen.name}：${encoding} 编码，${number(lines.filter(l => l.trim()).length - 1)} 行数据。${note}`;
  await dryRun();
}

function fail(message) {
  $('importError').textContent = message;
  show($('importError'), true);
}

function problemText(error) {
  if (!(error instanceof ApiError)) return `无法连接服务：${error.message}`;
  const fields = Object.entries(error.problem?.errors ?? {})
    .map(([field, messages]) => `${label(type(), field)}：${messages.map(m => translate(m, besides(field, f => label(type(), f)))).join('；')}`);
  return `${describe(error.status, error.problem)}${fields.length ? `：${fields.join('；')}` : ''}`;
}

const upload = query => sendJson('POST', '/api/imports', {
  query: { type: type(), ...query }, body: new Blob([file.bytes]), contentType: file.workbook ? XLSX : 'text/csv',
});

/** Nothing is stored: the service says what each line would do. */
async function dryRun() {
  const mine = ++generation;
  show($('importError'), false);
  show($('importResult'), false);
  delete $('importProgress').dataset.state;
  try {
    const result = await upload({ dryRun: 'true' });
    if (mine !== generation) return;
    drawResult(result, { dry: true });
  } catch (error) {
    if (mine === generation) fail(problemText(error));
  }
}

async function startJob() {
  const mine = ++generation;
  show($('startImport'), false);
  show($('importError'), false);
  try {
    const progress = $('importProgress');
    progress.value = 0;
    progress.dataset.state = 'sending';
    const { importId } = await upload({ async: 'true' });
    $('resultTitle').textContent = '导入进度';
    show(progress, true);
    while (mine === generation) {
      const job = await getJson(`/api/imports/${encodeURIComponent(importId)}`);
      if (mine !== generation) return;
      drawResult(job, { dry: false });
      if (job.state === 'done' || job.state === 'failed') return;
      await new Promise(resolve => setTimeout(resolve, POLL_MS));
    }
  } catch (error) {
    if (mine === generation) fail(problemText(error));
  }
}

/** Where a row's problem is: a workbook's cell (工作表“学习会”H3), or a CSV file's line as it was read. */
function where(c) {
  if (c.sheet) return `工作表“${c.sheet}”${c.column ?? ''}${c.line ?? ''}`;
  return c.line ? file?.lines[c.line - 1] ?? '' : '';
}

const jobStates = { queued: '排队中', running: '正在导入', done: '导入完成', failed: '导入失败' };

function drawResult(r, { dry }) {
  show($('importResult'), true);
  const counts = dry
    ? [['rowsRead', '读取行数'], ['imported', '可新增'], ['updated', '将更新'], ['unchanged', '已存在、不变'], ['rejected', '有问题']]
    : [['rowsRead', '已处理'], ['imported', '新增'], ['updated', '更新'], ['unchanged', '不变'], ['rejected', '有问题、未导入']];
  $('importCounts').replaceChildren(...counts.map(([field, name]) => el('div', {},
    el('dt', {}, name), el('dd', { 'data-count': field }, el('span', { className: 'value' }, number(r[field]))))));
  if (dry) {
    $('resultTitle').textContent = '检查结果（尚未导入，没有保存任何内容）';
    show($('importProgress'), false);
    $('progressLabel').textContent = '';
    const ready = r.imported + r.updated;
    $('startImport').textContent = ready > 0 ? `导入 ${number(ready)} 行${r.rejected ? `（${number(r.rejected)} 行有问题，将跳过）` : ''}` : '没有可导入的行';
    $('startImport').disabled = ready === 0;
    show($('startImport'), true);
  } else {
    const total = r.rowsTotal ?? r.rowsRead;
    $('importProgress').max = Math.max(total, 1);
    $('importProgress').value = r.state === 'done' ? Math.max(total, 1) : r.rowsRead;
    $('progressLabel').textContent = `${jobStates[r.state] ?? r.state}：已处理 ${number(r.rowsRead)} / ${number(total)} 行` +
      (r.state === 'failed' && r.error ? `（${r.error}）` : '');
    $('importProgress').dataset.state = r.state;
  }
  const kind = type();
  fillTable($('conflicts'), (r.conflicts ?? []).map(c => el('tr', { 'data-line': c.line ?? c.index },
    el('td', {}, c.line ?? c.index ?? ''),
    el('td', { className: 'text' }, c.field ? label(kind, c.field) : ''),
    el('td', { className: 'text' }, translate(c.message, c.field ? besides(c.field, f => label(kind, f)) : f => label(kind, f))),
    el('td', { className: 'text line' }, where(c)))),
  r.rejected ? `共 ${number(r.rejected)} 行有问题（只列出前 1,000 行）。` : '每一行都没有问题。');
}
