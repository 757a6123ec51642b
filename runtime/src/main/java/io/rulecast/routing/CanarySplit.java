package io.rulecast.routing;

import java.nio.charset.StandardCharsets;

/**
 * Which state keys a canary serves. A key falls in one of 10,000 buckets by a stable hash of the
 * rule's name and the key; a canary of P % serves the buckets below {@code P × 100}. So a key never
 * flips between the live version and the candidate while P is unchanged (its state stays with one
 * version), raising P only adds keys, and lowering it only removes them. The rule's name salts the
 * hash, so that two canaries running at once do not both land on the same users.
 */
public final class CanarySplit {
    /** Buckets: a percent with two decimals selects a whole number of them. */
    public static final int BUCKETS = 10_000;

    private CanarySplit() {}

    /** The bucket of {@code key} for {@code rule}, in {@code [0, BUCKETS)}. */
    public static int bucket(String rule, String key) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64, then murmur3's finalizer for the low bits
        h = mix(h, rule);
        h ^= 0xff;
        h *= 0x100000001b3L;
        h = mix(h, key);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) Long.remainderUnsigned(h, BUCKETS);
    }

    /** Whether a canary of {@code percent} (0 to 100) serves {@code key} of {@code rule}. */
    public static boolean servesCandidate(String rule, String key, double percent) {
        return bucket(rule, key) < Math.round(percent * (BUCKETS / 100));
    }

    private static long mix(long h, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
