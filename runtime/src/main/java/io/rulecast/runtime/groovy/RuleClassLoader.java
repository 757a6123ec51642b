package io.rulecast.runtime.groovy;

import java.util.Map;

/**
 * Holds the classes of exactly one compiled rule version (the script and its closures). When the
 * version is dropped from the cache this loader becomes unreachable and the JVM unloads them.
 */
final class RuleClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> classes;

    RuleClassLoader(ClassLoader parent, Map<String, byte[]> classes) {
        super("rulecast-rule", parent);
        this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }
}
