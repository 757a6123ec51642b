package io.rulecast.cli.scaffold;

/**
 * A scaffold spec that cannot be used: where (a JSON path such as {@code
 * $.wideTable.columns[2].from.order_paid}), what is wrong, and what to write instead. Its message
 * is the one line the user reads.
 */
public final class SpecException extends RuntimeException {
    private final String path;

    public SpecException(String path, String problem, String fix) {
        super(path + ": " + problem + (fix == null || fix.isEmpty() ? "" : " — " + fix));
        this.path = path;
    }

    /** The JSON path of the offending value, {@code $} for the whole document. */
    public String path() {
        return path;
    }
}
