// wrongbook/wrongbook_add/equiv (JavaScript) — the wrongbook_add logic, for the Groovy ↔ JS check.
// Written line for line like wrongbook_add_equiv.groovy; WrongbookEquivalenceTest runs both over
// the same 1,000 generated events and requires identical outputs, event by event. Beyond the main
// rule it derives columns that exercise both engines alike: integer and decimal arithmetic,
// rounding, strings, dates, lists kept in ctx.state, alerts and metrics.
// Serves:  domain wrongbook, event type wrongbook_add (test only; not in rules.json).
// Config:  {"output_table": "wrongbook_equiv_check", "utc_offset_hours": 8}
// Output:  one returned row per event; ctx.metric per event; ctx.alert('INFO', …) from the third
//          time an entry is added. A payload without wrongbookId, userId or questionId fails.
const p = event.payload;
if (!p.wrongbookId || !p.userId || !p.questionId) {
  throw new Error('wrongbook_add needs payload.wrongbookId, userId and questionId');
}
const id = p.wrongbookId;
const offsetMillis = (ctx.config.utc_offset_hours ?? 8) * 3600000;
const at = new Date(event.timestamp + offsetMillis).toISOString(); // local time, written as if UTC

const q = ctx.dim('questions', p.questionId);
const s = ctx.dim('students', p.userId);
const subject = (q && q.subject) || p.subject || 'unknown';
const difficulty = (q && q.difficulty) || 3;
const count = ctx.state.incr('wc:' + id, 1);

let history = [...(ctx.state.get('hist:' + id) || []), event.timestamp];
if (history.length > 3) {
  history = history.slice(history.length - 3);
}
ctx.state.put('hist:' + id, history);
const gap = history.length > 1 ? Math.round((history[history.length - 1] - history[history.length - 2]) / 60000) : null;

const hour = Number(at.slice(11, 13));
const period = hour < 12 ? 'morning' : (hour < 18 ? 'afternoon' : 'evening');
const tags = [subject, 'd' + difficulty, period];
if (count >= 3) {
  tags.push('repeat');
}
const kp = (q && q.knowledge_point) || '';

ctx.metric('wrongbook_add_difficulty', difficulty, { subject: subject, period: period });
if (count >= 3) {
  ctx.alert('INFO', `${id} added ${count} times`, { wrongbookId: id, userId: p.userId, count: count });
}

return {
  wrongbook_id: id,
  user_id: p.userId,
  question_id: p.questionId,
  subject: subject,
  subject_code: subject.toUpperCase(),
  chapter: q ? q.chapter : null,
  knowledge_short: kp.length > 4 ? kp.substring(0, 4) + '…' : kp,
  difficulty: difficulty,
  student_name: s ? s.name : null,
  grade: s ? s.grade : null,
  class_name: s ? s.class_name : null,
  title: ((s && s.name) || p.userId) + ' · ' + ((q && q.chapter) || '未知章节'),
  add_time: at.slice(0, 19).replace('T', ' '),
  add_date: at.slice(0, 10),
  add_hour: hour,
  period: period,
  wrong_count: count,
  mastery_risk: Math.round(difficulty * count / 3 * 100) / 100,
  gap_minutes: gap,
  recent_adds: history.length,
  tags: tags,
  status: 'OPEN',
};
