package io.rulecast.cli.scaffold;

import io.rulecast.runtime.Language;
import java.util.HashSet;
import java.util.Set;

/** The local names of one generated rule: unique, and never a keyword or a name the rule uses. */
final class Locals {
    private static final Set<String> GROOVY =
            Set.of(
                    "abstract",
                    "as",
                    "assert",
                    "boolean",
                    "break",
                    "byte",
                    "case",
                    "catch",
                    "char",
                    "class",
                    "const",
                    "continue",
                    "def",
                    "default",
                    "do",
                    "double",
                    "else",
                    "enum",
                    "extends",
                    "false",
                    "final",
                    "finally",
                    "float",
                    "for",
                    "goto",
                    "if",
                    "implements",
                    "import",
                    "in",
                    "instanceof",
                    "int",
                    "interface",
                    "long",
                    "native",
                    "new",
                    "null",
                    "package",
                    "private",
                    "protected",
                    "public",
                    "record",
                    "return",
                    "short",
                    "static",
                    "strictfp",
                    "super",
                    "switch",
                    "synchronized",
                    "this",
                    "throw",
                    "throws",
                    "trait",
                    "transient",
                    "true",
                    "try",
                    "var",
                    "void",
                    "volatile",
                    "while",
                    "yields",
                    "permits",
                    "sealed",
                    "it",
                    "java",
                    "Math");
    private static final Set<String> JS =
            Set.of(
                    "await",
                    "break",
                    "case",
                    "catch",
                    "class",
                    "const",
                    "continue",
                    "debugger",
                    "default",
                    "delete",
                    "do",
                    "else",
                    "enum",
                    "export",
                    "extends",
                    "false",
                    "finally",
                    "for",
                    "function",
                    "if",
                    "implements",
                    "import",
                    "in",
                    "instanceof",
                    "interface",
                    "let",
                    "new",
                    "null",
                    "package",
                    "private",
                    "protected",
                    "public",
                    "return",
                    "static",
                    "super",
                    "switch",
                    "this",
                    "throw",
                    "true",
                    "try",
                    "typeof",
                    "var",
                    "void",
                    "while",
                    "with",
                    "yield",
                    "arguments",
                    "eval",
                    "undefined",
                    "NaN",
                    "Infinity",
                    "Math",
                    "Date",
                    "JSON",
                    "Object",
                    "Array",
                    "String",
                    "Number",
                    "Boolean",
                    "console");

    private final Set<String> taken = new HashSet<>();

    Locals(Language language) {
        taken.addAll(language == Language.GROOVY ? GROOVY : JS);
        reserve(
                "event",
                "ctx",
                "p",
                "row",
                "orElse",
                "offset",
                "offsetMillis",
                "at",
                "datetime",
                "date");
    }

    void reserve(String... names) {
        taken.addAll(Set.of(names));
    }

    /** {@code base}, or {@code base_2}, {@code base_3} … when it is taken. */
    String take(String base) {
        String name = base;
        for (int i = 2; !taken.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }
}
