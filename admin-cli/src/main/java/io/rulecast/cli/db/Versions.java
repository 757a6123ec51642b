package io.rulecast.cli.db;

import io.rulecast.cli.CliException;
import io.rulecast.runtime.RuleId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds a version of a rule in its history by a reference a person types: a history id ({@code 12}
 * or {@code #12}) or a version hash prefix of at least four hex digits. A prefix that fits several
 * versions is refused with the candidates listed.
 */
public final class Versions {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{4,64}");
    private static final Pattern ID = Pattern.compile("#?[0-9]+");

    private Versions() {}

    /**
     * The history entry {@code ref} names. For a hash prefix, the newest entry of that version.
     *
     * @throws CliException (exit 2) when nothing or more than one version matches
     */
    public static HistoryEntry resolve(RuleId rule, String ref, List<HistoryEntry> history) {
        String r = ref.trim().toLowerCase(Locale.ROOT);
        HistoryEntry byId = null;
        if (ID.matcher(r).matches()) {
            long id = Long.parseLong(r.startsWith("#") ? r.substring(1) : r);
            for (HistoryEntry e : history) {
                if (e.id() == id) {
                    byId = e;
                }
            }
            if (r.startsWith("#") || !HEX.matcher(r).matches()) {
                if (byId == null) {
                    throw notFound(rule, ref, history);
                }
                return byId;
            }
        } else if (!HEX.matcher(r).matches()) {
            throw CliException.usage(
                    "'"
                            + ref
                            + "' is not a version: give a history id (e.g. 12 or #12) or at least 4"
                            + " hex digits of a version hash (see 'rulecast history "
                            + rule.domain()
                            + " "
                            + rule.eventType()
                            + "')");
        }
        // Newest entry per matching hash, so a version seen several times counts once.
        Map<String, HistoryEntry> byHash = new LinkedHashMap<>();
        for (HistoryEntry e : history) {
            if (e.versionHash() != null && e.versionHash().startsWith(r)) {
                byHash.put(e.versionHash(), e);
            }
        }
        int matches = byHash.size() + (byId == null ? 0 : 1);
        if (matches == 0) {
            throw notFound(rule, ref, history);
        }
        if (matches > 1) {
            List<String> candidates = new ArrayList<>();
            if (byId != null) {
                candidates.add("history #" + byId.id());
            }
            byHash.values().forEach(e -> candidates.add(e.shortHash() + " (#" + e.id() + ")"));
            throw CliException.usage(
                    "'"
                            + ref
                            + "' is ambiguous for "
                            + rule
                            + ": "
                            + String.join(", ", candidates)
                            + " — give more digits, or #ID for a history id");
        }
        return byId != null ? byId : byHash.values().iterator().next();
    }

    private static CliException notFound(RuleId rule, String ref, List<HistoryEntry> history) {
        if (history.isEmpty()) {
            return CliException.usage(
                    rule + " has no history — push it first, or check the domain, type and --name");
        }
        return CliException.usage(
                "no version '"
                        + ref
                        + "' in the history of "
                        + rule
                        + " — see 'rulecast history "
                        + rule.domain()
                        + " "
                        + rule.eventType()
                        + (rule.name().equals(RuleId.DEFAULT_NAME) ? "" : " --name " + rule.name())
                        + "'");
    }
}
