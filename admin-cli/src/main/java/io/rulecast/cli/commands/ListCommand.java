package io.rulecast.cli.commands;

import io.rulecast.cli.ConnectionOptions;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import io.rulecast.cli.text.Formats;
import io.rulecast.cli.text.TextTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rulecast list}: the routing rows, one line each. */
@Command(name = "list", description = "List the rules (all, or of one domain).")
public final class ListCommand extends BaseCommand {
    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this domain.")
    String domain;

    @Option(names = "--json", description = "A JSON array for machines.")
    boolean json;

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() {
        List<RuleRow> rows;
        try (RuleStore store = RuleStore.open(connection.database())) {
            rows = store.list(domain);
        }
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            rows.forEach(r -> out.add(Formats.json(r, false)));
            out().println(Formats.pretty(out));
            return 0;
        }
        if (rows.isEmpty()) {
            out().println(
                            domain == null
                                    ? "no rules yet — add one with 'rulecast push'"
                                    : "no rules in domain '" + domain + "'");
            return 0;
        }
        TextTable t = new TextTable("RULE", "LANG", "ENABLED", "PRIORITY", "VERSION", "UPDATED");
        for (RuleRow r : rows) {
            t.row(
                    r.ruleId(),
                    r.language(),
                    r.enabled() ? "yes" : "no",
                    r.priority(),
                    Formats.shortHash(r.version()),
                    Formats.time(r.updateTime()));
        }
        t.print(out());
        return 0;
    }
}
