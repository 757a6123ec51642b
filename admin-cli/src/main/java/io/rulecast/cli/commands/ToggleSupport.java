package io.rulecast.cli.commands;

import io.rulecast.cli.RuleRef;
import io.rulecast.cli.db.RuleRow;
import io.rulecast.cli.db.RuleStore;
import java.io.PrintWriter;

/** What {@code enable} and {@code disable} share: set the flag in one transaction, or say so. */
final class ToggleSupport {
    private ToggleSupport() {}

    static int toggle(RuleStore store, RuleRef rule, boolean enabled, PrintWriter out) {
        String word = enabled ? "enabled" : "disabled";
        String message =
                store.inTransaction(
                        () -> {
                            RuleRow r =
                                    store.find(rule.id(), true)
                                            .orElseThrow(() -> ShowCommand.noSuchRule(rule));
                            if (r.enabled() == enabled) {
                                return "unchanged: " + rule.id() + " is already " + word;
                            }
                            store.setEnabled(r.id(), enabled);
                            return word
                                    + " "
                                    + rule.id()
                                    + " (version "
                                    + Formats.shortHash(r.version())
                                    + ")";
                        });
        out.println(message);
        return 0;
    }
}
