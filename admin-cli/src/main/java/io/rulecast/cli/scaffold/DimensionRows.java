package io.rulecast.cli.scaffold;

import io.rulecast.cli.scaffold.DomainSpec.ColumnDef;
import io.rulecast.cli.scaffold.DomainSpec.Dimension;
import io.rulecast.cli.scaffold.DomainSpec.EventType;
import io.rulecast.cli.scaffold.DomainSpec.Field;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sample rows of each dimension table: the spec's own, or generated ones whose keys are the
 * example values of the payload fields the rules look the dimension up by, so that sample events
 * find them (and one key no row has, for the misses).
 */
final class DimensionRows {
    /** Keys to generate when no field that looks a dimension up has examples. */
    private static final int DEFAULT_KEYS = 4;

    private DimensionRows() {}

    /** Rows per dimension name, in spec order. */
    static Map<String, List<Map<String, Object>>> of(DomainSpec spec) {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        for (Dimension d : spec.dimensions()) {
            out.put(d.name(), d.rows().isEmpty() ? generate(spec, d) : d.rows());
        }
        return out;
    }

    /** A key value that no row of the dimension has, of the right kind. */
    static Object missingKey(List<Map<String, Object>> rows, Dimension d) {
        boolean numeric = d.column(d.key()).type().valueType().isNumeric();
        Set<String> keys = new LinkedHashSet<>();
        rows.forEach(r -> keys.add(SpecOracle.keyText(r.get(d.key()))));
        for (int i = 404; ; i++) {
            Object candidate = numeric ? (Object) (900000 + i) : "unknown-" + i;
            if (!keys.contains(SpecOracle.keyText(candidate))) {
                return candidate;
            }
        }
    }

    private static List<Map<String, Object>> generate(DomainSpec spec, Dimension d) {
        List<Object> keys = new ArrayList<>(keyExamples(spec, d));
        ColumnDef key = d.column(d.key());
        for (int i = keys.size(); i < DEFAULT_KEYS; i++) {
            keys.add(
                    key.type().valueType().isNumeric()
                            ? (Object) (i + 1)
                            : d.name() + "-" + (i + 1));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (ColumnDef c : d.columns()) {
                row.put(
                        c.name(),
                        c.name().equals(d.key()) ? keys.get(i) : sample(c, i, keys.get(i)));
            }
            rows.add(row);
        }
        return List.copyOf(rows);
    }

    /** The examples of every payload field a rule looks {@code d} up by. */
    private static Set<Object> keyExamples(DomainSpec spec, Dimension d) {
        Set<Object> keys = new LinkedHashSet<>();
        for (EventType e : spec.events()) {
            for (Source.DimLookup l : spec.lookupsOf(e.type())) {
                if (l.dim().equals(d.name())) {
                    Field f = e.field(l.keyField());
                    f.examples().forEach(keys::add);
                }
            }
        }
        return keys;
    }

    /** A plausible value of column {@code c} for the row number {@code i}. */
    static Object sample(ColumnDef c, int i, Object key) {
        SqlType t = c.type();
        return switch (t.kind()) {
            case TEXT -> {
                String s = c.name() + " of " + key;
                yield t.length() > 0 && s.length() > t.length() ? s.substring(0, t.length()) : s;
            }
            case INTEGER -> 1 + i % 5;
            case DECIMAL -> {
                BigDecimal v =
                        BigDecimal.valueOf(125L * (i + 1), 1)
                                .setScale(t.scale(), RoundingMode.HALF_UP);
                BigDecimal max = BigDecimal.TEN.pow(t.length() - t.scale());
                yield v.compareTo(max) < 0 ? v : BigDecimal.ONE.setScale(t.scale());
            }
            case FLOAT -> BigDecimal.valueOf(125L * (i + 1), 1);
            case BOOLEAN -> i % 2 == 0;
            case DATE -> "2025-11-" + String.format("%02d", 1 + i % 28);
            case DATETIME -> "2025-11-" + String.format("%02d", 1 + i % 28) + "T08:30:00";
            case JSON -> "{\"n\":" + i + "}";
        };
    }
}
