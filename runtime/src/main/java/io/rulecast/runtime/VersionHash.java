package io.rulecast.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The version of a rule: lowercase hex SHA-256 of {@code language + "\n" + script + "\n" +
 * config_json} (config as stored, empty when null). The database triggers compute the same value.
 */
public final class VersionHash {
    private VersionHash() {}

    public static String of(String language, String script, String configJson) {
        String material =
                language
                        + "\n"
                        + (script == null ? "" : script)
                        + "\n"
                        + (configJson == null ? "" : configJson);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(material.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
