// The headline figures as a list of name/value pairs (<dl>), readable as text by anyone and any screen reader.
import { el } from './dom.js';
import { number, percent } from './format.js';

const cards = [
  { field: 'studySessions', label: '学习场次', value: t => number(t.studySessions) },
  {
    field: 'attendance', label: '参与人次', value: t => number(t.attendance),
    detail: t => `一线职工 ${number(t.frontline)} · 青年职工 ${number(t.youth)} · 女职工 ${number(t.women)}`,
  },
  { field: 'honoreeTalks', label: '劳模宣讲场次', value: t => number(t.honoreeTalks) },
  { field: 'talkAudience', label: '宣讲现场受众', value: t => number(t.talkAudience) },
  { field: 'onlineViews', label: '线上观看', value: t => number(t.onlineViews) },
  { field: 'publicityItems', label: '宣传报道篇数', value: t => number(t.publicityItems) },
  { field: 'publicityReach', label: '宣传传播量', value: t => number(t.publicityReach) },
  { field: 'competitions', label: '劳动和技能竞赛场次', value: t => number(t.competitions) },
  { field: 'competitionParticipants', label: '竞赛参与人次', value: t => number(t.competitionParticipants) },
  { field: 'awardees', label: '获奖人数', value: t => number(t.awardees) },
];

const coverage = {
  field: 'coverage', label: '覆盖率', value: t => percent(t.coverage),
  detail: t => `已开展 ${number(t.activeBranches)} / 已登记 ${number(t.registeredBranches)} 个基层工会`,
};

const branchStatus = {
  field: 'active', label: '本活动', value: t => (t.activeBranches > 0 ? '已开展' : '未开展'),
};

/** A region's figures with its coverage, or a branch's with whether it has reported. */
export function drawTotals(list, totals, { branch = false } = {}) {
  list.replaceChildren(...[...cards, branch ? branchStatus : coverage].map(card => el('div', {},
    el('dt', {}, card.label),
    el('dd', { 'data-total': card.field }, el('span', { className: 'value' }, card.value(totals)), card.detail ? el('small', {}, card.detail(totals)) : null))));
}
