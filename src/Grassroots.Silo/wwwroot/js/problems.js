// What the service's problem details (RFC 9457, `errors` by field) say, in Chinese. Every request asks for zh-CN and
// the service answers in Chinese; its messages are put in the page's words (a field they name by its label, no closing
// 。, as the page's own messages). The English table is for what the service keeps in English for every client: an
// import's conflicts. A message neither knows is shown as sent, marked so.
import { number } from './format.js';

const hasChinese = text => /[\u3400-\u9fff]/.test(text);

/** "2020年12月", "2020年第49周": a reporting period as people say it. */
const periodName = id => {
  const week = /^(\d{4})-W(\d{2})$/.exec(id ?? '');
  if (week) return `${week[1]}年第${Number(week[2])}周`;
  const month = /^(\d{4})-(\d{2})$/.exec(id ?? '');
  return month ? `${month[1]}年${Number(month[2])}月` : id;
};

const characterKinds = [
  [/line break or tab/, '换行或制表符（此项只能填一行）'],
  [/control character/, '控制字符'],
  [/bidirectional/, '文字方向控制符'],
  [/noncharacter/, 'Unicode 非字符'],
  [/unpaired surrogate/, '残缺的字符'],
];

/**
 * `[pattern, (match, label) => text]`; `label(field)` names another field as the page labels it (e.g. "参与人次"),
 * for messages that compare two fields.
 */
const messages = [
  [/^Is required\.$/, () => '必填'],
  [/^At least one is required\.$/, () => '至少需要一项'],
  [/^At most (\d+)\.$/, m => `最多 ${m[1]} 项`],
  [/^Must be at most (\d+) characters\.$/, m => `最多 ${m[1]} 个字`],
  [/^Must be a whole number from ([\d,]+) to ([\d,]+)\.$/, m => `应为 ${m[1]} 到 ${m[2]} 之间的整数`],
  [/^Must be a year from (\d+) to (\d+)\.$/, m => `应为 ${m[1]} 到 ${m[2]} 之间的年份`],
  [/^Must be one of: /, () => '请从列表中选择'],
  [/^Must be an absolute http or https URL\.$/, () => '应为以 http:// 或 https:// 开头的完整网址'],
  [/^Must be a date written YYYY-MM-DD\.$/, () => '日期应写作 年-月-日，如 2021-03-01'],
  [/^Must be true or false\.$/, () => '应为“是”或“否”'],
  [/^Must be 1–64 characters of /, () => '编号应为 1–64 个字母、数字或 . _ : -'],
  [/^Must be a six-digit GB\/T 2260 region code\.$/, () => '应为 6 位行政区划代码'],
  [/^'(.+)' is not a (county|provincial)-level region code\.$/, m => `${m[1]} 不是${m[2] === 'county' ? '县级' : '省级'}行政区划代码`],
  [/^Must not exceed ([\w.]+) \((\d+)\)\.$/, (m, label) => `不能超过${label(m[1])}（${number(Number(m[2]))}）`],
  [/^Must not be before (\w+)\.$/, (m, label) => `不能早于${label(m[1])}`],
  [/^Must not contain U\+([0-9A-F]+) \((.+)\), found at character (\d+)\.$/, m =>
    `第 ${m[3]} 个字含有不允许的${characterKinds.find(([p]) => p.test(m[2]))?.[1] ?? '字符'}（U+${m[1]}）`],
  [/^(\d{4}-\d{2}-\d{2}) is outside the campaign \((\S+) to (\S+)\)\.$/, m =>
    `${m[1]} 不在活动期间（${m[2]} 至 ${m[3] === 'open' ? '今' : m[3]}）`],
  [/^(\d{4}-\d{2}-\d{2}) is in the future\.$/, m => `${m[1]} 还没有到，不能登记将来的日期`],
  [/^No campaign has the id '(.*)'\.$/, m => `没有编号为 ${m[1]} 的活动`],
  [/^No honoree has the id '(.*)'\.$/, m => `没有编号为 ${m[1]} 的劳模`],
  [/^No branch (?:has|is registered with) the id '(.*)'\.$/, m => `没有编号为 ${m[1]} 的基层工会`],
  [/^Records of campaign '.*' dated in (\S+) are locked for region (\S+): the period is (\w+)\./, m =>
    `${periodName(m[1])}的数据${m[3] === 'approved' ? '已经上级审核通过' : '已上报、正在等待上级审核'}（地区代码 ${m[2]}），该期间的记录已锁定`],
  [/^A JSON object is required\.$/, () => '内容为空'],
  [/^Appears more than once/, () => '重复填写了这一项'],
  [/^Not a valid value for this field/, () => '这一项的值无效'],
  [/^The request could not be read/, () => '内容无法识别'],
  [/^Must be a month written YYYY-MM or an ISO week/, () => '期间应写作 年-月（如 2020-12）或 年-W周（如 2020-W49）'],
];

/** The service's Chinese messages that name another field (NotAbove and NotBefore in the service's Messages.zh.resx). */
const chineseMessages = [
  [/^不得超过 ([\w.]+)（([\d,]+)）。$/, (m, label) => `不能超过${label(m[1])}（${number(Number(m[2].replaceAll(',', '')))}）`],
  [/^不得早于 ([\w.]+)。$/, (m, label) => `不能早于${label(m[1])}`],
];

/**
 * `label` for the fields that a message about `field` names: a sibling of a nested field first (the service says
 * "total" about attendees.women, which the page labels as attendees.total).
 */
export function besides(field, label) {
  const prefix = field.slice(0, field.lastIndexOf('.') + 1);
  return other => {
    const sibling = prefix + other;
    return prefix && label(sibling) !== sibling ? label(sibling) : label(other);
  };
}

/** One field's message in Chinese. */
export function translate(message, label = field => field) {
  if (!message) return '';
  if (hasChinese(message)) {
    for (const [pattern, say] of chineseMessages) {
      const match = pattern.exec(message);
      if (match) return say(match, label);
    }
    return message.replace(/。$/, '');
  }
  for (const [pattern, say] of messages) {
    const match = pattern.exec(message);
    if (match) return say(match, label);
  }
  return `服务器说明：${message}`;
}

/**
 * A write refused because its period is signed off (409 naming the lock): which period, for which region, and why, so
 * the officer knows whom to ask.
 */
export function describeLock(problem) {
  if (!problem?.period || !problem?.state) return null;
  const region = problem.regionName ?? problem.regionCode;
  const state = problem.state === 'approved' ? '已经上级审核通过' : '已上报、正在等待上级审核';
  return `${region}${periodName(problem.period)}的数据${state}，该期间的记录已锁定，不能新增、修改或作废；如需更改，请联系上级退回或重新开放`;
}

/** A problem's title and status in Chinese, for answers without per-field errors (403, 404, 409, 413…). */
export function describe(status, problem) {
  if (status === 409 && describeLock(problem)) return describeLock(problem);
  const title = problem?.title ?? '';
  if (hasChinese(title)) return title;
  if (status === 401) return '密钥无效或已被撤销';
  if (status === 403) return '此密钥无权进行这项操作';
  if (status === 404) return '没有找到这条记录';
  if (status === 409) return /voided/.test(title) ? '这条记录已作废，不能再修改' : '与服务器上的数据冲突，请稍后再试';
  if (status === 413) return '内容太大（导入文件不能超过 16 MiB）';
  if (status === 415) return '服务器不接受这种文件格式';
  if (status === 400) return '填写有误';
  if (status >= 500) return '服务器暂时无法处理，稍后自动重试';
  return title ? `服务器说明：${title}` : `HTTP ${status}`;
}

/** `errors` of a problem as `{ field: [Chinese messages] }`. */
export function fieldErrors(problem, label) {
  return Object.fromEntries(Object.entries(problem?.errors ?? {}).map(([field, list]) => [field, list.map(m => translate(m, besides(field, label)))]));
}
