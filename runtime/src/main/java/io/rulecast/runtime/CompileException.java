package io.rulecast.runtime;

/**
 * A script that cannot become a rule: a syntax error, or a construct the sandbox refuses at compile
 * time. {@code line} and {@code column} are 1-based positions in the script body, 0 when unknown.
 */
public final class CompileException extends Exception {
    private final int line;
    private final int column;
    private final String detail;

    public CompileException(int line, int column, String detail) {
        super(line > 0 ? line + ":" + column + " " + detail : detail);
        this.line = line;
        this.column = column;
        this.detail = detail;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without its position. */
    public String detail() {
        return detail;
    }
}
