// The entry forms, one per record kind: options (with their Chinese labels) and limits from the rules, a body read from
// the fields, a body written back into them (to fix a returned entry or correct a record), and problems shown in
// Chinese beside the field they are about.
import { $, el, show } from '/js/dom.js';
import { kindNames } from '/js/format.js';
import { allowed, fieldSchema, isRequired } from './rules.js';

/** The kinds by their path segment, each with a form `form-<kind>`. */
export const kinds = Object.keys(kindNames);
export const formOf = kind => $(`form-${kind}`);

/** Fields of a body that no form shows, as the page names them. */
const outside = { campaignId: '活动（请在上方选择）', body: '内容' };

/** Fields of a form that carry a value of the body (the honorees are picked, not typed: see honorees.js). */
const inputs = form => [...form.querySelectorAll('[name]')];

/**
 * Prepares each form from its kind's rules: the enum options in Chinese (the labels the service lists beside the values,
 * x-enum-labels; a value without one is shown as it is), limits, and which fields are required.
 */
export function prepareForms(rules) {
  for (const kind of kinds) {
    const form = formOf(kind);
    const schema = rules[kind]?.body;
    // A kind the service does not know (rules kept offline from before it had it) is not offered.
    const choice = document.querySelector(`#kindPicker input[value="${kind}"]`)?.closest('label');
    if (choice) show(choice, Boolean(schema));
    if (!form || !schema) continue;
    for (const input of inputs(form)) {
      const field = input.name;
      const rule = fieldSchema(schema, field);
      if (!rule) continue;
      const required = isRequired(schema, field);
      input.setAttribute('aria-required', String(required));
      const label = form.querySelector(`label[for="${input.id}"]`);
      label?.querySelector('.mark')?.remove();
      if (required) label?.append(el('span', { className: 'mark' }, '（必填）'));
      if (input.tagName === 'SELECT') {
        const names = rule['x-enum-labels'] ?? {};
        input.replaceChildren(...(required ? [el('option', { value: '' }, '请选择')] : [el('option', { value: '' }, '不填')]),
          ...allowed(rule).map(value => el('option', { value }, names[value] ?? value)));
      }
      if (rule.maxLength != null) input.maxLength = rule.maxLength;
      if (rule.minimum != null) input.min = rule.minimum;
      if (rule.maximum != null) input.max = rule.maximum;
    }
  }
  // The talk's honorees are picked rather than typed: their list's legend carries the mark.
  const legend = $('honorees').querySelector('legend');
  legend.querySelector('.mark')?.remove();
  if (rules['honoree-talks'] && isRequired(rules['honoree-talks'].body, 'honoreeIds')) legend.append(el('span', { className: 'mark' }, '（必填）'));
}

/** The body a form holds; a field left empty is left out, as the API's optional fields may be. */
export function readForm(kind, honoreeIds) {
  const body = {};
  for (const input of inputs(formOf(kind))) {
    let value;
    if (input.type === 'number') value = input.validity.badInput ? Number.NaN : input.value === '' ? undefined : Number(input.value);
    else value = input.value.trim() === '' ? undefined : input.value.trim();
    if (value === undefined) continue;
    const path = input.name.split('.');
    let target = body;
    for (const part of path.slice(0, -1)) target = target[part] ??= {};
    target[path.at(-1)] = value;
  }
  if (kind === 'honoree-talks') body.honoreeIds = honoreeIds;
  return body;
}

export function fillForm(kind, body) {
  for (const input of inputs(formOf(kind))) {
    const value = input.name.split('.').reduce((v, part) => v?.[part], body);
    input.value = value ?? '';
  }
}

export function clearForm(kind, { day } = {}) {
  formOf(kind).reset();
  const date = formOf(kind).querySelector('input[type=date]');
  if (date && day) date.value = day;
  showProblems(kind, {});
}

/** A field's name as its label reads, for messages that name another field ("不能超过参与人次"). */
export function labelOf(kind, field) {
  const input = formOf(kind).querySelector(`[name="${field}"]`);
  const label = input && formOf(kind).querySelector(`label[for="${input.id}"]`);
  return label ? label.firstChild.textContent.trim() : field;
}

/**
 * Shows `{ field: [message] }` beside each field (aria-invalid, aria-describedby); problems about no field of the form
 * go in the box above it. Answers the first field with a problem, to move the focus there.
 */
export function showProblems(kind, errors) {
  const form = formOf(kind);
  for (const old of form.querySelectorAll('.field-error')) old.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
  const elsewhere = [];
  let first = null;
  for (const [field, messages] of Object.entries(errors)) {
    const target = field.startsWith('honoreeIds') ? $('honoreeSearch') : form.querySelector(`[name="${field}"]`);
    if (!target) {
      elsewhere.push(...messages.map(m => `${outside[field] ?? field}：${m}`));
      continue;
    }
    const id = `${target.id}-error`;
    const note = el('p', { className: 'field-error', id }, messages.join('；'));
    (target.closest('.field') ?? target.closest('fieldset'))?.append(note);
    target.setAttribute('aria-invalid', 'true');
    target.setAttribute('aria-describedby', id);
    first ??= target;
  }
  const box = $('formProblem');
  box.textContent = elsewhere.join('；');
  show(box, elsewhere.length > 0);
  return first;
}
