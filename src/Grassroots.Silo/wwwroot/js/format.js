// How figures and codes read in Chinese. The measures are the ones a map, chart or ranking can be coloured by.

const integer = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });

export const number = n => integer.format(n ?? 0);
export const percent = x => `${((x ?? 0) * 100).toFixed(1)}%`;

export const measures = {
  attendance: { label: '参与人次', of: t => t.attendance, format: number },
  talks: { label: '劳模宣讲场次', of: t => t.honoreeTalks, format: number },
  publicity: { label: '宣传报道篇数', of: t => t.publicityItems, format: number },
  competitions: { label: '劳动和技能竞赛场次', of: t => t.competitions, format: number },
  coverage: { label: '覆盖率', of: t => t.coverage, format: percent },
};

export const levels = { national: '全国', province: '省级', city: '市级', county: '县级' };

export const roles = { hq: '总部', 'region-admin': '地区管理员', branch: '基层工会' };

export const branchKinds = { enterprise: '企业', institution: '事业单位', agency: '机关', community: '社区', other: '其他' };

export const honoreeTitles = {
  'national-model-worker': '全国劳动模范',
  'national-advanced-worker': '全国先进工作者',
  'may-day-medal': '全国五一劳动奖章',
  'great-craftsman': '大国工匠',
  'provincial-model-worker': '省（部）级劳动模范',
  other: '其他',
};

/**
 * The kinds of record, by the name a branch's record list gives each (`kind`): the path segment the API, its audit
 * trail and its imports know it by, and its Chinese name. Both pages take their kinds from here.
 */
export const recordKinds = {
  'study-session': { path: 'study-sessions', name: '学习会' },
  'honoree-talk': { path: 'honoree-talks', name: '劳模宣讲' },
  'publicity-item': { path: 'publicity', name: '宣传报道' },
  competition: { path: 'competitions', name: '劳动和技能竞赛' },
};

/** A record kind's Chinese name by its path segment ("competitions" → 劳动和技能竞赛). */
export const kindNames = Object.fromEntries(Object.values(recordKinds).map(k => [k.path, k.name]));

/** The kinds of import (?type=), by the names the service uses. */
export const importTypes = { branches: '基层工会名册', ...kindNames };

/** A record's figures as one short line, e.g. "参与 45 人次（一线 30，青年 12，女职工 20）". */
export function recordFigures(kind, f) {
  const parts = [];
  // Those taking part, with the parts of them given: a session's attendance, a competition's participants.
  const taking = total => {
    const breakdown = [['一线', f.frontline], ['青年', f.youth], ['女职工', f.women]]
      .filter(([, n]) => n != null).map(([label, n]) => `${label} ${number(n)}`);
    return `参与 ${number(total)} 人次${breakdown.length ? `（${breakdown.join('，')}）` : ''}`;
  };
  if (kind === 'study-session') parts.push(taking(f.attendance));
  if (kind === 'honoree-talk') parts.push(`现场受众 ${number(f.audience)} 人`);
  if (f.onlineViews != null) parts.push(`线上观看 ${number(f.onlineViews)}`);
  if (kind === 'publicity-item') parts.push(f.reach != null ? `传播量 ${number(f.reach)}` : '传播量未填');
  if (kind === 'competition') {
    parts.push(taking(f.participants));
    if (f.awardees != null) parts.push(`获奖 ${number(f.awardees)} 人`);
  }
  return parts.join('；');
}

export const clock = date => date.toLocaleTimeString('zh-CN', { hour12: false });
