// wrongbook/wrongbook_add/equiv (Groovy) — the wrongbook_add logic, for the Groovy ↔ JS check.
// Written line for line like wrongbook_add_equiv.js; WrongbookEquivalenceTest runs both over the
// same 1,000 generated events and requires identical outputs, event by event. Beyond the main
// rule it derives columns that exercise both engines alike: integer and decimal arithmetic,
// rounding, strings, dates, lists kept in ctx.state, alerts and metrics.
// Serves:  domain wrongbook, event type wrongbook_add (test only; not in rules.json).
// Config:  {"output_table": "wrongbook_equiv_check", "utc_offset_hours": 8}
// Output:  one returned row per event; ctx.metric per event; ctx.alert('INFO', …) from the third
//          time an entry is added. A payload without wrongbookId, userId or questionId fails.
def p = event.payload
if (!p.wrongbookId || !p.userId || !p.questionId) {
    throw new IllegalArgumentException('wrongbook_add needs payload.wrongbookId, userId and questionId')
}
String id = p.wrongbookId
def offset = java.time.ZoneOffset.ofHours(ctx.config.utc_offset_hours ?: 8)
def at = java.time.Instant.ofEpochMilli(event.timestamp).atOffset(offset)

def q = ctx.dim('questions', p.questionId)
def s = ctx.dim('students', p.userId)
def subject = q?.subject ?: p.subject ?: 'unknown'
def difficulty = q?.difficulty ?: 3
def count = ctx.state.incr("wc:${id}", 1)

def history = (ctx.state.get("hist:${id}") ?: []) + [event.timestamp]
if (history.size() > 3) {
    history = history.drop(history.size() - 3)
}
ctx.state.put("hist:${id}", history)
def gap = history.size() > 1 ? Math.round((history[-1] - history[-2]) / 60000d) : null

int hour = at.hour
def period = hour < 12 ? 'morning' : (hour < 18 ? 'afternoon' : 'evening')
def tags = [subject, 'd' + difficulty, period]
if (count >= 3) {
    tags << 'repeat'
}
String kp = q?.knowledge_point ?: ''

ctx.metric('wrongbook_add_difficulty', difficulty, [subject: subject, period: period])
if (count >= 3) {
    ctx.alert('INFO', "${id} added ${count} times", [wrongbookId: id, userId: p.userId, count: count])
}

return [
    wrongbook_id   : id,
    user_id        : p.userId,
    question_id    : p.questionId,
    subject        : subject,
    subject_code   : subject.toUpperCase(),
    chapter        : q?.chapter,
    knowledge_short: kp.length() > 4 ? kp.substring(0, 4) + '…' : kp,
    difficulty     : difficulty,
    student_name   : s?.name,
    grade          : s?.grade,
    class_name     : s?.class_name,
    title          : (s?.name ?: p.userId) + ' · ' + (q?.chapter ?: '未知章节'),
    add_time       : at.format(java.time.format.DateTimeFormatter.ofPattern('yyyy-MM-dd HH:mm:ss')),
    add_date       : at.toLocalDate().toString(),
    add_hour       : hour,
    period         : period,
    wrong_count    : count,
    mastery_risk   : Math.round(difficulty * count / 3 * 100) / 100,
    gap_minutes    : gap,
    recent_adds    : history.size(),
    tags           : tags,
    status         : 'OPEN',
]
