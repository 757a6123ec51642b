package io.rulecast.runtime.groovy;

import io.rulecast.runtime.Guard;

/**
 * A string as seen by a regular expression in a rule: every few thousand character reads it checks
 * whether the invocation was cancelled, so a catastrophic pattern such as {@code (a+)+$} stops at
 * the timeout instead of running for hours inside one JDK call.
 */
final class CancellableCharSequence implements CharSequence {
    private final CharSequence inner;
    private final Guard guard;
    private int reads;

    CancellableCharSequence(CharSequence inner, Guard guard) {
        this.inner = inner;
        this.guard = guard;
    }

    static CharSequence wrap(CharSequence s) {
        return s instanceof CancellableCharSequence
                ? s
                : new CancellableCharSequence(s, Guard.current());
    }

    @Override
    public char charAt(int index) {
        if ((++reads & 0xFFF) == 0) {
            guard.check();
        }
        return inner.charAt(index);
    }

    @Override
    public int length() {
        return inner.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new CancellableCharSequence(inner.subSequence(start, end), guard);
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}
