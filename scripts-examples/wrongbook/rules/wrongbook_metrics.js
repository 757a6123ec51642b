// wrongbook/<event type>/metrics (JavaScript) — 错题指标: one counter per event, by subject and type.
// Serves:  domain wrongbook, event types wrongbook_add and wrongbook_fix (one routing row each);
//          priority 10 (after the main rule of the event type).
// Config:  {} (none)
// Output:  ctx.metric('wrongbook_events', 1, {type, subject}) for every event; for a fix of a known
//          entry also ctx.metric('wrongbook_fix_minutes', minutes since its add, {subject}), the add
//          time found as wrongbook_fix finds it. Returns nothing.
// State:   reads add:<id>, kept per student by wrongbook_add (events.key.path=payload.userId).
const p = event.payload;
const question = typeof p.questionId === 'string' ? ctx.dim('questions', p.questionId) : null;
const subject = (question && question.subject) || p.subject || 'unknown';
ctx.metric('wrongbook_events', 1, { type: event.type, subject: subject });

if (event.type === 'wrongbook_fix' && typeof p.wrongbookId === 'string') {
  const seen = ctx.state.get('add:' + p.wrongbookId);
  const sent = typeof p.addTime === 'number' ? p.addTime : null;
  const added = seen == null ? sent : sent == null ? seen : Math.max(seen, sent);
  if (added != null && event.timestamp >= added) {
    ctx.metric('wrongbook_fix_minutes', Math.round((event.timestamp - added) / 60000), { subject: subject });
  }
}
return null;
