// The benchmark's wrongbook_add rule (same logic as WrongbookAddProcessor and wrongbook_add.js).
def p = event.payload
def q = ctx.dim('questions', p.questionId)
if (p.score != null && p.score < 60) {
    ctx.metric('low_score', 1, [subject: p.subject])
}
return [
    wrongbook_id: p.wrongbookId,
    user_id     : p.userId,
    question_id : p.questionId,
    subject     : p.subject,
    chapter     : q?.chapter,
    difficulty  : q?.difficulty,
    status      : 'OPEN',
    add_time    : event.timestamp,
    score       : p.score,
    source      : p.source ?: 'app'
]
