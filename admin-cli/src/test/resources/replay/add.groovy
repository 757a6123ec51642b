// A question was added to a wrong-question book: count the user's adds, enrich from a dimension.
if (event.payload.subject == 'bad') {
    return 42
}
def n = ctx.state.incr('adds', 1)
ctx.metric('wrongbook_adds', 1, [subject: event.payload.subject])
def q = ctx.dim('questions', event.payload.questionId)
return [wrongbook_id: event.payload.wrongbookId, adds: n, chapter: q?.chapter]
