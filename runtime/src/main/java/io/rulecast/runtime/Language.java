package io.rulecast.runtime;

import java.util.Locale;

/**
 * The languages a rule may be written in. The lower-case name is what {@code
 * routing_configs.language} holds.
 */
public enum Language {
    GROOVY("groovy", ".groovy"),
    JS("js", ".js");

    private final String id;
    private final String extension;

    Language(String id, String extension) {
        this.id = id;
        this.extension = extension;
    }

    /** The name stored in the database and used in the version hash. */
    public String id() {
        return id;
    }

    public String extension() {
        return extension;
    }

    /**
     * Parses {@code groovy} or {@code js} (case-insensitive; {@code javascript} is accepted too).
     */
    public static Language of(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "groovy":
                return GROOVY;
            case "js":
            case "javascript":
                return JS;
            default:
                throw new IllegalArgumentException(
                        "unknown language '" + name + "': use 'groovy' or 'js'");
        }
    }

    /** The language of a file by its extension, {@code .groovy} or {@code .js}. */
    public static Language ofFileName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (Language l : values()) {
            if (lower.endsWith(l.extension)) {
                return l;
            }
        }
        throw new IllegalArgumentException(
                "cannot tell the language of '" + fileName + "': name it *.groovy or *.js");
    }

    @Override
    public String toString() {
        return id;
    }
}
