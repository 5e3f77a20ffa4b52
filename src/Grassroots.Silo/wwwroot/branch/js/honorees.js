// Picking a talk's honorees by name: the service's search when online (GET /api/honorees?name=), the honorees seen
// before on this phone when not. Every honoree the page has seen is kept, so a talk can be logged offline.
import { $, el, show } from '/js/dom.js';
import { honoreeTitles } from '/js/format.js';
import { findHonorees, honoree, rememberHonorees } from './store.js';

let chosen = [];
let search = async () => ({ items: [], offline: true });
let timer = 0;

/** `find(name)` asks the service and answers `{ items }`, or throws when it cannot be reached. */
export function setUpHonorees(find) {
  search = find;
  $('honoreeSearch').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(showResults, 250);
  });
}

export const chosenHonorees = () => chosen.map(h => h.id);

export async function setChosen(ids) {
  chosen = await Promise.all((ids ?? []).map(async id => (await honoree(id)) ?? { id, name: id }));
  drawChosen();
}

const describe = h => [honoreeTitles[h.title] ?? '', h.provinceName ?? '', h.employer ?? ''].filter(Boolean).join(' · ');

function drawChosen() {
  $('chosenHonorees').replaceChildren(...chosen.map(h => el('li', {},
    el('span', {}, h.name), el('small', {}, describe(h)),
    el('button', { type: 'button', className: 'plain', 'aria-label': `移除 ${h.name}`, onclick: () => {
      chosen = chosen.filter(c => c.id !== h.id);
      drawChosen();
    } }, '移除'))));
}

async function showResults() {
  const text = $('honoreeSearch').value.trim();
  const hint = $('honoreeHint');
  if (!text) {
    $('honoreeResults').replaceChildren();
    hint.textContent = '';
    return;
  }
  let items;
  try {
    items = (await search(text)).items;
    await rememberHonorees(items);
    hint.textContent = items.length ? '' : '没有找到，请换个字再试。';
  } catch {
    items = await findHonorees(text);
    hint.textContent = `当前无法联网，只在本机见过的劳模中搜索${items.length ? '' : '：没有找到'}。`;
  }
  if ($('honoreeSearch').value.trim() !== text) return; // typed on meanwhile
  $('honoreeResults').replaceChildren(...items.slice(0, 20).map(h => el('li', {},
    el('button', { type: 'button', className: 'pick', disabled: chosen.some(c => c.id === h.id), onclick: () => pick(h) },
      el('span', {}, h.name), el('small', {}, describe(h))))));
  show(hint, Boolean(hint.textContent));
}

function pick(h) {
  if (!chosen.some(c => c.id === h.id)) chosen.push(h);
  drawChosen();
  $('honoreeSearch').value = '';
  $('honoreeResults').replaceChildren();
  $('honoreeSearch').focus();
}
