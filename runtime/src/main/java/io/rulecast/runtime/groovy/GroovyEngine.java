package io.rulecast.runtime.groovy;

import groovy.lang.GroovyClassLoader;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.FailureReason;
import io.rulecast.runtime.Language;
import io.rulecast.runtime.RuleContext;
import io.rulecast.runtime.RuntimeOptions;
import io.rulecast.runtime.ScriptFailure;
import io.rulecast.runtime.spi.CompiledScript;
import io.rulecast.runtime.spi.ScriptEngine;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.codehaus.groovy.control.CompilationFailedException;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.Phases;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.messages.ExceptionMessage;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.syntax.SyntaxException;
import org.codehaus.groovy.tools.GroovyClass;

/**
 * Groovy rules, compiled into a sandbox (see {@link StructureVerifier}, {@link SandboxTransformer},
 * {@link Sandbox}). Each compiled version lives in its own class loader so it unloads when dropped;
 * the compiled class is reused, and so are its script objects (see {@link GroovyScript}).
 */
public final class GroovyEngine implements ScriptEngine {
    private static final AtomicLong COUNTER = new AtomicLong();

    private final CompilerConfiguration config;
    private final ClassLoader parent;
    private final GroovyClassLoader resolveLoader;
    private final GroovyClassLoader transformLoader;

    public GroovyEngine(RuntimeOptions options) {
        this.parent = GroovyEngine.class.getClassLoader();
        this.config = new CompilerConfiguration();
        config.setScriptBaseClass(RuleScript.class.getName());
        config.addCompilationCustomizers(
                new StructureVerifier(), new SandboxTransformer(), new LateVerifier());
        config.setDebug(false);
        config.setTolerance(10);
        // Class names in a rule resolve against the runtime's loader; it defines nothing itself.
        this.resolveLoader = new GroovyClassLoader(parent, config);
        // Global AST transforms (@Grab's among them) are found through this loader: it sees none.
        this.transformLoader = new GroovyClassLoader(new NoServicesLoader(parent), config);
    }

    @Override
    public Language language() {
        return Language.GROOVY;
    }

    @Override
    public CompiledScript compile(String script, String sourceName) throws CompileException {
        String className = "Rule" + COUNTER.incrementAndGet();
        CompilationUnit unit = new CompilationUnit(config, null, resolveLoader, transformLoader);
        SourceUnit source =
                new SourceUnit(className, script, config, resolveLoader, unit.getErrorCollector());
        unit.addSource(source);
        try {
            unit.compile(Phases.CLASS_GENERATION);
        } catch (MultipleCompilationErrorsException e) {
            throw toCompileException(e);
        } catch (CompilationFailedException e) {
            throw new CompileException(0, 0, e.getMessage());
        } catch (RuntimeException e) {
            throw new CompileException(0, 0, "cannot compile: " + e);
        }
        Map<String, byte[]> bytes = new HashMap<>();
        for (GroovyClass c : unit.getClasses()) {
            bytes.put(c.getName(), c.getBytes());
        }
        if (!bytes.containsKey(className)) {
            throw new CompileException(0, 0, "the rule compiled to no script class");
        }
        RuleClassLoader loader = new RuleClassLoader(parent, bytes);
        try {
            Class<?> type = loader.loadClass(className);
            MethodHandle ctor =
                    MethodHandles.publicLookup()
                            .findConstructor(type, MethodType.methodType(void.class));
            return new GroovyScript(ctor.asType(MethodType.methodType(RuleScript.class)));
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new CompileException(0, 0, "cannot load compiled rule: " + e);
        }
    }

    private static CompileException toCompileException(MultipleCompilationErrorsException e) {
        List<? extends Message> errors = e.getErrorCollector().getErrors();
        for (Message m : errors) {
            if (m instanceof SyntaxErrorMessage sem) {
                SyntaxException se = sem.getCause();
                String detail = se.getOriginalMessage();
                // Groovy's parser appends " @ line x, column y." to some messages.
                int at = detail.lastIndexOf(" @ line ");
                if (at > 0) {
                    detail = detail.substring(0, at);
                }
                if (errors.size() > 1) {
                    detail = detail + " (and " + (errors.size() - 1) + " more)";
                }
                return new CompileException(se.getLine(), se.getStartColumn(), detail.trim());
            }
            if (m instanceof ExceptionMessage em) {
                return new CompileException(0, 0, String.valueOf(em.getCause().getMessage()));
            }
        }
        return new CompileException(0, 0, e.getMessage());
    }

    /**
     * One compiled version: the class is shared, and so is one idle script object, taken by an
     * invocation and given back when it ends (an invocation that finds none makes its own). A
     * script object holds nothing of an invocation but the event and ctx it is bound to: a rule
     * declares no fields (annotations such as {@code @Field} are refused), cannot name {@code this}
     * and has no binding ({@link RuleScript#getProperty}), and nothing it made — a closure bound to
     * the script — leaves the invocation but plain data. Making one costs two meta-class lookups
     * (the script's and its unused binding's), about a tenth of a small rule's invocation.
     */
    static final class GroovyScript implements CompiledScript {
        private final MethodHandle ctor;
        private final AtomicReference<RuleScript> idle = new AtomicReference<>();

        GroovyScript(MethodHandle ctor) {
            this.ctor = ctor;
        }

        @Override
        public Object run(Map<String, Object> event, RuleContext ctx) throws Exception {
            RuleScript script = idle.getAndSet(null);
            if (script == null) {
                try {
                    script = (RuleScript) ctor.invokeExact();
                } catch (Throwable t) {
                    throw new IllegalStateException("cannot instantiate rule", t);
                }
            }
            script.bind(event, ctx);
            try {
                return script.run();
            } catch (ScriptFailure | Error e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ScriptFailure(FailureReason.SCRIPT_ERROR, describe(e));
            } finally {
                script.bind(null, null);
                // The next invocation takes it with getAndSet, which sees everything written here.
                idle.setRelease(script);
            }
        }

        private static String describe(Throwable t) {
            String message =
                    t.getMessage() == null
                            ? t.getClass().getSimpleName()
                            : t.getClass().getSimpleName() + ": " + t.getMessage();
            for (StackTraceElement f : t.getStackTrace()) {
                if (f.getClassName().startsWith("Rule")
                        && f.getLineNumber() > 0
                        && !f.getClassName().contains(".")) {
                    return message + " (line " + f.getLineNumber() + ")";
                }
            }
            return message;
        }
    }

    /** A loader that hides META-INF/services entries, so no global AST transform is found. */
    private static final class NoServicesLoader extends ClassLoader {
        NoServicesLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            if (name.startsWith("META-INF/services/") || name.startsWith("META-INF/groovy/")) {
                return Collections.emptyEnumeration();
            }
            return super.getResources(name);
        }

        @Override
        public URL getResource(String name) {
            if (name.startsWith("META-INF/services/") || name.startsWith("META-INF/groovy/")) {
                return null;
            }
            return super.getResource(name);
        }
    }
}
