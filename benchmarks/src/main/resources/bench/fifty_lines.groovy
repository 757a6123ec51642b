// A 50-line rule: wrongbook_fix with a little of everything a real rule does.
def p = event.payload
def fixedAt = event.timestamp
def addedAt = p.addedAt ?: fixedAt
def minutes = (fixedAt - addedAt) / 60000
def method = p.fixMethod ?: 'self'
def methods = ['self', 'video', 'teacher', 'peer']
if (!(method in methods)) {
    method = 'other'
}
def q = ctx.dim('questions', p.questionId)
def chapter = q?.chapter ?: 'unknown'
def difficulty = (q?.difficulty ?: 3) as Integer
def speed
if (minutes < 10) {
    speed = 'fast'
} else if (minutes < 60 * 24) {
    speed = 'day'
} else {
    speed = 'slow'
}
def fixes = ctx.state.incr('fixes', 1)
def streak = (ctx.state.get('streak') ?: 0) + 1
ctx.state.put('streak', streak)
def tags = (p.tags ?: []).collect { it.toString().toLowerCase() }.unique().sort()
def weight = tags.inject(0) { acc, t -> acc + t.length() }
def badges = []
if (streak >= 5) {
    badges << 'streak-5'
}
if (difficulty >= 4 && speed == 'fast') {
    badges << 'quick-hard'
}
for (b in badges) {
    ctx.alert('INFO', "badge ${b}", [user: p.userId, badge: b])
}
ctx.metric('fix_minutes', minutes, [subject: p.subject, speed: speed])
def summary = [:]
summary.subject = p.subject
summary.chapter = chapter
summary['weight'] = weight
def notes = "${p.userId}:${p.questionId}:${method}".toUpperCase()
return [
    wrongbook_id: p.wrongbookId,
    fix_time    : fixedAt,
    fix_method  : method,
    fix_minutes : minutes,
    fix_speed   : speed,
    status      : 'FIXED',
    fix_count   : fixes,
    tags        : tags.join(','),
    notes       : notes
]
