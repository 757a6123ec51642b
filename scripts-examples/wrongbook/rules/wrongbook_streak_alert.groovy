// wrongbook/wrongbook_add/streak_alert (Groovy) — 连错预警: a student piling up wrong answers.
// Serves:  domain wrongbook, event type wrongbook_add; priority 50 (after wrongbook_add/main).
// Config:  {"threshold": 5, "utc_offset_hours": 8}
// Output:  ctx.alert('WARN', …) once a student's wrong answers in one subject on one local day
//          reach `threshold` (once per student, subject and day). Returns nothing.
// State:   kept per student (events.key.path=payload.userId): streak:<subject>:<yyyy-MM-dd> counts;
//          old days expire with the job's state TTL (state.ttl, default 7 d).
def p = event.payload
def question = p.questionId ? ctx.dim('questions', p.questionId) : null
def subject = question?.subject ?: p.subject
if (!p.userId || !subject) {
    return null
}
def threshold = ctx.config.threshold ?: 5
def offset = java.time.ZoneOffset.ofHours(ctx.config.utc_offset_hours ?: 8)
String day = java.time.Instant.ofEpochMilli(event.timestamp).atOffset(offset).toLocalDate().toString()

def count = ctx.state.incr("streak:${subject}:${day}", 1)
if (count == threshold) {
    def student = ctx.dim('students', p.userId)
    String who = student ? "${student.name}（${student.class_name}）" : p.userId
    ctx.alert('WARN', "${who} got ${count} ${subject} questions wrong on ${day}", [
        userId   : p.userId,
        subject  : subject,
        day      : day,
        count    : count,
        threshold: threshold,
        lastQuestionId: p.questionId,
    ])
}
return null
