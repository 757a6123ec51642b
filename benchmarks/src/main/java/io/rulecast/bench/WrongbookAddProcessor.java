package io.rulecast.bench;

import io.rulecast.event.BusinessEvent;
import io.rulecast.runtime.DimensionLookup;
import io.rulecast.runtime.Emission;
import io.rulecast.runtime.RuleContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed's design: the wrongbook_add logic as a compiled Java processor class (what a team ships
 * a jar for today). Produces the same emissions as the benchmark's Groovy and JS rules.
 */
public final class WrongbookAddProcessor {
    private final DimensionLookup dims;

    public WrongbookAddProcessor(DimensionLookup dims) {
        this.dims = dims;
    }

    /**
     * The same logic against the rule API the job hands to scripts ({@code event} view, {@code
     * ctx}), so that the end-to-end benchmark can run this class as a rule ({@link
     * JavaRuleEngine}).
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> apply(Map<String, Object> event, RuleContext ctx) {
        Map<String, Object> p = (Map<String, Object>) event.get("payload");
        Map<String, Object> q = ctx.dim("questions", p.get("questionId"));
        Object score = p.get("score");
        if (score instanceof Number n && n.doubleValue() < 60) {
            ctx.metric("low_score", 1, Map.of("subject", p.get("subject")));
        }
        Map<String, Object> row = new LinkedHashMap<>(16);
        row.put("wrongbook_id", p.get("wrongbookId"));
        row.put("user_id", p.get("userId"));
        row.put("question_id", p.get("questionId"));
        row.put("subject", p.get("subject"));
        row.put("chapter", q == null ? null : q.get("chapter"));
        row.put("difficulty", q == null ? null : q.get("difficulty"));
        row.put("status", "OPEN");
        row.put("add_time", event.get("timestamp"));
        row.put("score", score);
        Object source = p.get("source");
        row.put("source", source == null || "".equals(source) ? "app" : source);
        return row;
    }

    public List<Emission> process(BusinessEvent event) {
        Map<String, Object> p = event.payload();
        Map<String, Object> q = dims.lookup("questions", p.get("questionId"));
        List<Emission> out = new ArrayList<>(2);
        Object score = p.get("score");
        if (score instanceof Number n && n.doubleValue() < 60) {
            out.add(new Emission.Metric("low_score", 1, Map.of("subject", p.get("subject"))));
        }
        Map<String, Object> row = new LinkedHashMap<>(16);
        row.put("wrongbook_id", p.get("wrongbookId"));
        row.put("user_id", p.get("userId"));
        row.put("question_id", p.get("questionId"));
        row.put("subject", p.get("subject"));
        row.put("chapter", q == null ? null : q.get("chapter"));
        row.put("difficulty", q == null ? null : q.get("difficulty"));
        row.put("status", "OPEN");
        row.put("add_time", event.timestamp());
        row.put("score", score);
        Object source = p.get("source");
        row.put("source", source == null || "".equals(source) ? "app" : source);
        out.add(new Emission.Upsert("dwd_wrongbook_wide", row));
        return out;
    }
}
