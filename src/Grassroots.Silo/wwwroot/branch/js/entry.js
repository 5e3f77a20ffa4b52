// Logging and correcting: the chosen kind's form is checked against the rules, then saved on the phone as a pending
// entry with an id made here, and the outbox sends it. Editing fills the form from an entry or a record on the
// service; a returned entry shows the service's problems beside its fields, to be fixed and saved again.
import { $, show } from '/js/dom.js';
import { kindNames, recordFigures } from '/js/format.js';
import { campaignDetails } from './campaigns.js';
import { clearForm, fillForm, formOf, kinds, labelOf, readForm, showProblems } from './forms.js';
import { chosenHonorees, setChosen } from './honorees.js';
import { newId } from './outbox.js';
import { check, dateField } from './rules.js';
import { app, emit, today } from './state.js';
import { entry, saveEntry } from './store.js';

let kind = 'study-sessions';
let editing = null; // { key, id, kind, campaignId, onServer }

export function setUpEntry() {
  for (const radio of document.querySelectorAll('#kindPicker input')) radio.addEventListener('change', () => selectKind(radio.value));
  for (const k of kinds) {
    formOf(k).addEventListener('submit', event => {
      event.preventDefault();
      save(k);
    });
  }
  $('cancelEdit').addEventListener('click', () => stopEditing());
  selectKind(kind);
}

function selectKind(k) {
  kind = k;
  for (const other of kinds) show(formOf(other), other === k);
  for (const radio of document.querySelectorAll('#kindPicker input')) radio.checked = radio.value === k;
  $('formProblem').hidden = true;
}

/** A record's figures as the records list shows them, from a request body. */
export function figuresOf(k, body) {
  if (k === 'study-sessions') {
    const a = body.attendees ?? {};
    return recordFigures('study-session', { attendance: a.total, frontline: a.frontline, youth: a.youth, women: a.women, onlineViews: body.onlineViews });
  }
  if (k === 'honoree-talks') return recordFigures('honoree-talk', { audience: body.audience, onlineViews: body.onlineViews });
  if (k === 'competitions') {
    const p = body.participants ?? {};
    return recordFigures('competition', { participants: p.total, frontline: p.frontline, youth: p.youth, women: p.women, awardees: body.awardees });
  }
  return recordFigures('publicity-item', { reach: body.reach });
}

async function save(k) {
  const body = readForm(k, chosenHonorees());
  body.campaignId = editing?.campaignId ?? app.campaign?.id;
  const campaign = body.campaignId && await campaignDetails(body.campaignId);
  const rules = app.rules[k].body;
  const first = showProblems(k, check(rules, body, { campaign, today: today(), label: field => labelOf(k, field) }));
  $('saved').textContent = '';
  if (first) {
    first.focus();
    return;
  }
  const day = body[dateField(rules)];
  const id = editing?.id ?? newId(day);
  const key = `${app.branch.id}/${k}/${id}`;
  const before = await entry(key);
  await saveEntry({
    key, branchId: app.branch.id, kind: k, id, op: 'put', body, reason: null, state: 'pending', problem: null,
    rev: (before?.rev ?? 0) + 1, savedAt: before?.savedAt ?? Date.now(), syncedAt: before?.syncedAt ?? null,
    onServer: Boolean(editing?.onServer || before?.onServer || before?.syncedAt),
    display: { date: day, title: body.title ?? '', figures: figuresOf(k, body), campaignId: body.campaignId },
  });
  const corrected = Boolean(editing);
  stopEditing();
  $('saved').textContent = `${corrected ? '修改' : kindNames[k]}已保存在本手机（待同步）${navigator.onLine ? '，正在发送…' : '，联网后自动发送。'}`;
  emit('entries');
  app.outbox.sync();
}

/**
 * Opens an entry or record in its form: `{ kind, id, body, campaignId, onServer, problem }`. A returned entry's
 * problem is shown beside the fields it names, in Chinese.
 */
export async function edit({ kind: k, id, body, campaignId, onServer, problems }) {
  selectKind(k);
  editing = { key: `${app.branch.id}/${k}/${id}`, id, kind: k, campaignId, onServer };
  clearForm(k);
  fillForm(k, body);
  await setChosen(body.honoreeIds);
  $('entryTitle').textContent = `修改${kindNames[k]}`;
  show($('cancelEdit'), true);
  $('kindPicker').disabled = true;
  $('saved').textContent = '';
  emit('tab', 'entry');
  const first = problems ? showProblems(k, problems) : null;
  (first ?? formOf(k).querySelector('[name]')).focus();
}

function stopEditing() {
  const day = today();
  const end = app.campaign?.endsOn;
  for (const k of kinds) clearForm(k, { day: (!end || end >= day) && app.campaign?.startsOn <= day ? day : '' });
  setChosen([]);
  editing = null;
  $('entryTitle').textContent = '新登记';
  show($('cancelEdit'), false);
  $('kindPicker').disabled = false;
}

export const resetEntry = stopEditing;
