package io.rulecast.cli.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rulecast.cli.db.HistoryEntry;
import io.rulecast.cli.db.Rollout;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.event.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** How rules and history entries look, as text for people and as JSON for machines. */
public final class Formats {
    private static final DateTimeFormatter LOCAL =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private Formats() {}

    public static String time(Instant t) {
        return t == null ? "" : LOCAL.format(t);
    }

    public static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    public static String shortHash(String hash) {
        return hash == null ? "" : hash.substring(0, Math.min(12, hash.length()));
    }

    public static Map<String, Object> json(RuleRow r, boolean withScript) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("rule", r.ruleId().toString());
        m.put("domain", r.ruleId().domain());
        m.put("eventType", r.ruleId().eventType());
        m.put("name", r.ruleId().name());
        m.put("language", r.language());
        m.put("enabled", r.enabled());
        m.put("priority", r.priority());
        m.put("version", r.version());
        m.put("createTime", iso(r.createTime()));
        m.put("updateTime", iso(r.updateTime()));
        m.put("config", configValue(r.configJson()));
        if (withScript) {
            m.put("script", r.script());
        }
        if (r.rollout() != null) {
            m.put("rollout", json(r.rollout(), withScript));
        }
        return m;
    }

    public static Map<String, Object> json(Rollout r, boolean withScript) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", r.mode());
        m.put("percent", r.percent());
        m.put("candidateVersion", r.candidateVersion());
        m.put("baseVersion", r.baseVersion());
        m.put("startedAt", iso(r.startedAt()));
        m.put("language", r.language());
        m.put("config", configValue(r.configJson()));
        if (withScript) {
            m.put("script", r.script());
        }
        return m;
    }

    public static Map<String, Object> json(HistoryEntry e, boolean withScript) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("historyId", e.id());
        m.put("configId", e.configId());
        m.put("operation", e.operation());
        m.put("changedAt", iso(e.changedAt()));
        m.put("changedBy", e.changedBy());
        m.put("version", e.versionHash());
        if (e.rolloutMode() != null) {
            m.put("rolloutMode", e.rolloutMode());
            m.put("rolloutPercent", e.rolloutPercent());
            m.put("candidateVersion", e.candidateVersion());
        }
        m.put("rule", e.ruleId().toString());
        m.put("language", e.language());
        m.put("enabled", e.enabled());
        m.put("priority", e.priority());
        m.put("config", configValue(e.configJson()));
        if (withScript) {
            m.put("script", e.script());
        }
        return m;
    }

    /** config_json as a JSON value when it parses, else as the stored text. */
    private static Object configValue(String configJson) {
        if (configJson == null || configJson.isBlank()) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(configJson, Object.class);
        } catch (JsonProcessingException e) {
            return configJson;
        }
    }

    public static String pretty(Object value) {
        try {
            return Json.MAPPER
                    .writer()
                    .with(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
