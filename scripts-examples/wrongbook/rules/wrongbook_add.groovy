// wrongbook/wrongbook_add/main (Groovy) — 错题录入: a student got a question wrong.
// Serves:  domain wrongbook, event type wrongbook_add; priority 100 (before the alert and metrics rules).
// Config:  {"output_table": "dwd_wrongbook_wide", "utc_offset_hours": 8}
// Output:  returns one dwd_wrongbook_wide row (key wrongbook_id): the add columns, the question's
//          subject/chapter/difficulty (dimension "questions"), the student's name/grade/class
//          (dimension "students"), wrong_count and status. A payload without wrongbookId, userId or
//          questionId fails the event (SCRIPT_ERROR → dead-letter topic).
// State:   kept per student (job option events.key.path=payload.userId):
//          add:<id> last add time, wc:<id> times added; reads fix:<id>, written by wrongbook_fix.
def p = event.payload
if (!p.wrongbookId || !p.userId || !p.questionId) {
    throw new IllegalArgumentException('wrongbook_add needs payload.wrongbookId, userId and questionId')
}
String id = p.wrongbookId
def offset = java.time.ZoneOffset.ofHours(ctx.config.utc_offset_hours ?: 8)
def pattern = java.time.format.DateTimeFormatter.ofPattern('yyyy-MM-dd HH:mm:ss')
def local = { long millis -> java.time.Instant.ofEpochMilli(millis).atOffset(offset).format(pattern) }

def question = ctx.dim('questions', p.questionId)
def student = ctx.dim('students', p.userId)
if (question == null) {
    ctx.log("question ${p.questionId} is not in dim_question; subject taken from the event")
}

def row = [
    wrongbook_id: id,
    user_id     : p.userId,
    question_id : p.questionId,
    subject     : question?.subject ?: p.subject,
    chapter     : question?.chapter,
    difficulty  : question?.difficulty,
    student_name: student?.name,
    grade       : student?.grade,
    class_name  : student?.class_name,
    add_time    : local(event.timestamp),
    add_source  : p.addSource ?: 'unknown',
    wrong_count : ctx.state.incr("wc:${id}", 1),
]

def lastAdd = ctx.state.get("add:${id}")
if (lastAdd == null || event.timestamp > lastAdd) {
    ctx.state.put("add:${id}", event.timestamp)
}

def fix = ctx.state.get("fix:${id}")
if (fix != null && fix.time >= event.timestamp) {
    // The fix of this very mistake arrived before the add did: the entry stays fixed.
    row.status = 'FIXED'
    row.fix_time = local(fix.time)
    row.fix_method = fix.method
    row.fix_minutes = Math.round((fix.time - event.timestamp) / 60000d)
} else {
    row.status = 'OPEN'
    if (fix != null) {
        // The same question wrong again after it was fixed: the entry reopens.
        row.fix_time = null
        row.fix_method = null
        row.fix_minutes = null
    }
}
return row
