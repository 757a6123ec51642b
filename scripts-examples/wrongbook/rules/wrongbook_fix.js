// wrongbook/wrongbook_fix/main (JavaScript) — 错题订正: a student corrected a wrongbook entry.
// Serves:  domain wrongbook, event type wrongbook_fix; priority 100 (before wrongbook_fix/metrics).
// Config:  {"output_table": "dwd_wrongbook_wide", "utc_offset_hours": 8}
// Output:  returns the entry's fix columns for dwd_wrongbook_wide (key wrongbook_id): status FIXED,
//          fix_time, fix_method and fix_minutes, the minutes since the add (the later of the add
//          time kept in ctx.state and payload.addTime).
//          A fix of an entry with no known add: ctx.alert('WARN', …) and no row; wrongbook_add
//          applies the fix if the add turns up later. A fix older than the entry's latest add (the
//          student got the question wrong again since) changes nothing.
// State:   kept per student (events.key.path=payload.userId): reads add:<id> (wrongbook_add),
//          writes fix:<id> = {time, method}.
const p = event.payload;
const id = p.wrongbookId;
if (typeof id !== 'string' || id === '') {
  throw new Error('wrongbook_fix needs payload.wrongbookId');
}
const offsetMillis = (ctx.config.utc_offset_hours ?? 8) * 3600000;
const local = (millis) => new Date(millis + offsetMillis).toISOString().slice(0, 19).replace('T', ' ');

const method = p.fixMethod ?? 'unknown';
// payload.addTime names the add this fix answers; ctx.state holds the latest add seen, which is
// older when the student got the question wrong again and that add is still on its way.
const seen = ctx.state.get('add:' + id);
const sent = typeof p.addTime === 'number' ? p.addTime : null;
const added = seen == null ? sent : sent == null ? seen : Math.max(seen, sent);
if (added != null && event.timestamp < added) {
  ctx.log(`fix of ${id} at ${event.timestamp} predates its latest add at ${added}: ignored`);
  return null;
}
ctx.state.put('fix:' + id, { time: event.timestamp, method: method });
if (added == null) {
  ctx.alert('WARN', `fix of unknown wrongbook entry ${id}`, {
    wrongbookId: id,
    userId: p.userId ?? null,
    eventId: event.eventId,
  });
  return null;
}
return {
  wrongbook_id: id,
  status: 'FIXED',
  fix_time: local(event.timestamp),
  fix_method: method,
  fix_minutes: Math.round((event.timestamp - added) / 60000),
};
