// The rules an entry must pass before it is queued, read from the service's OpenAPI document (generated from the
// service's own field rules), never restated here: required fields, lengths, text patterns, enums, ranges, list sizes,
// dates, and the comparisons JSON Schema cannot state: a count not above another (x-not-above, e.g. a part of the
// attendance, or a competition's awardees not above its participants) and a date not before another (x-not-before, a
// competition's end and start). What the document cannot say — a date inside the campaign and not in the
// future — is checked against the campaign as GET /api/campaigns/{id} answers it.

const RECORD_PUT = /^\/api\/branches\/\{branchId\}\/([a-z-]+)\/\{[A-Za-z]+\}$/;

/**
 * The rules of each record kind, by its path segment ("study-sessions", "honoree-talks", "publicity"): the PUT's body
 * schema with every $ref resolved, and the schema of the DELETE's `reason` (as `{ type, required, properties }`, so
 * one check serves both): `{ 'study-sessions': { body, voiding }, ... }`.
 */
export function recordRules(document) {
  const rules = {};
  for (const [path, operations] of Object.entries(document?.paths ?? {})) {
    const match = RECORD_PUT.exec(path);
    const body = operations.put?.requestBody?.content?.['application/json']?.schema;
    if (!match || !body) continue;
    const reason = (operations.delete?.parameters ?? []).find(p => p.name === 'reason');
    rules[match[1]] = {
      body: resolve(document, body),
      voiding: { type: 'object', required: reason?.required ? ['reason'] : [], properties: { reason: resolve(document, reason?.schema ?? {}) } },
    };
  }
  return rules;
}

function resolve(document, schema) {
  if (schema?.$ref) return resolve(document, document.components.schemas[schema.$ref.split('/').pop()]);
  if (!schema || typeof schema !== 'object') return schema;
  const copy = { ...schema };
  if (schema.properties) copy.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(document, v)]));
  if (schema.items) copy.items = resolve(document, schema.items);
  if (schema.oneOf) return resolve(document, schema.oneOf.find(s => s.type !== 'null') ?? schema.oneOf[0]);
  return copy;
}

const types = schema => [schema?.type ?? []].flat();

/**
 * The field of a kind that dates it, the day it counts on: its required `format: date` field (heldOn, publishedOn,
 * a competition's startsOn; its endsOn is optional).
 */
export function dateField(schema) {
  const dates = Object.entries(schema.properties).filter(([, s]) => s.format === 'date').map(([name]) => name);
  return dates.find(name => (schema.required ?? []).includes(name)) ?? dates[0];
}

/** The allowed values of an enum field, without null. */
export const allowed = schema => (schema?.enum ?? []).filter(v => v !== null);

/** Whether a field must be given. */
export function isRequired(schema, field) {
  const parts = field.split('.');
  let current = schema;
  for (let i = 0; i < parts.length - 1; i++) current = current?.properties?.[parts[i]];
  return (current?.required ?? []).includes(parts.at(-1));
}

/** The schema of a dotted field ("attendees.total"). */
export function fieldSchema(schema, field) {
  return field.split('.').reduce((s, part) => s?.properties?.[part], schema);
}

const characters = text => [...text].length; // code points, as JSON Schema's maxLength counts

/**
 * Checks `body` against `schema` and the campaign; answers `{ field: [message] }`, empty when it may be sent.
 * `label(field)` names a field as the form does, for messages comparing two fields; `today` is YYYY-MM-DD.
 */
export function check(schema, body, { campaign, today, label = f => f }) {
  const errors = {};
  const fail = (field, message) => (errors[field] ??= []).push(message);
  checkObject(schema, body ?? {}, '', fail, label, body ?? {});

  const day = dateField(schema);
  const value = body?.[day];
  if (day && value && !errors[day] && campaign) {
    if (value < campaign.startsOn || (campaign.endsOn && value > campaign.endsOn))
      fail(day, `${value} 不在活动期间（${campaign.startsOn} 至 ${campaign.endsOn ?? '今'}）`);
    else if (value > today) fail(day, `${value} 还没有到，不能登记将来的日期`);
  }
  return errors;
}

/**
 * The other field a comparison names: a sibling ("total", beside attendees.women) or, dotted, a field of the whole body
 * ("participants.total", named by a competition's awardees). Answers its dotted name and value.
 */
function other(name, object, prefix, body) {
  if (name.includes('.')) return { field: name, value: name.split('.').reduce((v, part) => v?.[part], body) };
  return { field: prefix + name, value: object[name] };
}

function checkObject(schema, object, prefix, fail, label, body) {
  for (const name of schema.required ?? []) {
    const value = object[name];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) fail(prefix + name, '必填');
  }
  for (const [name, rule] of Object.entries(schema.properties ?? {})) {
    const value = object[name];
    if (value === undefined || value === null) continue;
    const field = prefix + name;
    if (types(rule).includes('object')) {
      checkObject(rule, value, `${field}.`, fail, label, body);
      continue;
    }
    checkValue(rule, value, field, fail);
    if (rule['x-not-above']) {
      const most = other(rule['x-not-above'], object, prefix, body);
      if (typeof most.value === 'number' && typeof value === 'number' && value > most.value)
        fail(field, `不能超过${label(most.field)}（${most.value}）`);
    }
    if (rule['x-not-before']) {
      const earliest = other(rule['x-not-before'], object, prefix, body);
      if (isDate(value) && typeof earliest.value === 'string' && isDate(earliest.value) && value < earliest.value)
        fail(field, `不能早于${label(earliest.field)}（${earliest.value}）`);
    }
  }
}

function checkValue(rule, value, field, fail) {
  const kinds = types(rule);
  if (kinds.includes('integer')) {
    if (!Number.isInteger(value)) return fail(field, '应为整数');
    if ((rule.minimum != null && value < Number(rule.minimum)) || (rule.maximum != null && value > Number(rule.maximum)))
      fail(field, `应为 ${Number(rule.minimum ?? 0).toLocaleString('zh-CN')} 到 ${Number(rule.maximum).toLocaleString('zh-CN')} 之间的整数`);
    return;
  }
  if (kinds.includes('array')) {
    if (!Array.isArray(value)) return fail(field, '格式不对');
    if (rule.minItems != null && value.length < rule.minItems) fail(field, rule.minItems === 1 ? '至少选择一项' : `至少选择 ${rule.minItems} 项`);
    if (rule.maxItems != null && value.length > rule.maxItems) fail(field, `最多选择 ${rule.maxItems} 项`);
    value.forEach((item, i) => rule.items && checkValue(rule.items, item, `${field}[${i}]`, fail));
    return;
  }
  if (typeof value !== 'string') return fail(field, '格式不对');
  if (rule.enum && !rule.enum.includes(value)) fail(field, '请从列表中选择');
  if (rule.maxLength != null && characters(value) > rule.maxLength) fail(field, `最多 ${rule.maxLength} 个字（现有 ${characters(value)} 个）`);
  if (rule.minLength != null && characters(value) < rule.minLength) fail(field, '必填');
  if (rule.pattern && !new RegExp(rule.pattern).test(value)) {
    // Text fields carry the text policy's description; ids have none.
    fail(field, rule.description ? '含有不允许的字符（如换行、控制字符或文字方向控制符）' : '编号应为 1–64 个字母、数字或 . _ : -');
  }
  if (rule.format === 'date' && !isDate(value)) fail(field, '日期应写作 年-月-日，如 2021-03-01');
  if (rule.format === 'uri' && !isWebAddress(value)) fail(field, '应为以 http:// 或 https:// 开头的完整网址');
}

function isDate(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text);
}

function isWebAddress(text) {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
