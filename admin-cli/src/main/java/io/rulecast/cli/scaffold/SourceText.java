package io.rulecast.cli.scaffold;

/** A source in words, for the comments of generated rules and the domain's README. */
final class SourceText {
    private SourceText() {}

    static String describe(Source s, DomainSpec spec) {
        String text;
        if (s instanceof Source.Payload p) {
            text = "payload." + p.field();
        } else if (s instanceof Source.Dim d) {
            text = d.dim() + "." + d.column() + " of payload." + d.keyField();
        } else if (s instanceof Source.Timestamp t) {
            text =
                    switch (t.format()) {
                        case DATETIME -> "the event time, yyyy-MM-dd HH:mm:ss at " + utc(spec);
                        case DATE -> "the event's date at " + utc(spec);
                        case MILLIS -> "the event time in epoch milliseconds";
                    };
        } else if (s instanceof Source.Counter c) {
            text =
                    "counter "
                            + c.name()
                            + " of the row, + "
                            + (c.byField() != null
                                    ? "payload." + c.byField()
                                    : Values.plain(c.by()))
                            + " per event";
        } else if (s instanceof Source.Const c) {
            text =
                    c.value() instanceof String
                            ? new Expr.Literal(c.value()).show()
                            : String.valueOf(c.value());
        } else {
            text = ((Source.Computed) s).expr().show();
        }
        return s.orElse() == null ? text : text + ", else " + describe(s.orElse(), spec);
    }

    /** Text for a line comment: a line break in it would end the comment and start code. */
    static String oneLine(String text) {
        // (?U): Unicode line breaks too, which end a JavaScript comment
        return text.replaceAll("(?U)\\s+", " ").strip();
    }

    private static String utc(DomainSpec spec) {
        int h = spec.utcOffsetHours();
        return h == 0 ? "UTC" : "UTC" + (h > 0 ? "+" : "") + h;
    }
}
