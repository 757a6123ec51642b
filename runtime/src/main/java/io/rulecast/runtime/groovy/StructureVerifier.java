package io.rulecast.runtime.groovy;

import java.util.List;
import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.ast.AnnotatedNode;
import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.ImportNode;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.ModuleNode;
import org.codehaus.groovy.ast.Parameter;
import org.codehaus.groovy.ast.expr.AttributeExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.ConstructorCallExpression;
import org.codehaus.groovy.ast.expr.DeclarationExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.MethodPointerExpression;
import org.codehaus.groovy.ast.expr.PropertyExpression;
import org.codehaus.groovy.ast.expr.StaticMethodCallExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.ast.stmt.SynchronizedStatement;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Compile-time refusals, run at the CONVERSION phase — before Groovy collects annotations for AST
 * transforms at SEMANTIC_ANALYSIS — so that nothing of a rule runs while it compiles: annotations
 * (and with them every local AST transform, {@code @ASTTest}, {@code @Grab}), imports, packages,
 * type declarations, method pointers and references, attribute access, computed method or property
 * names, meta-level names, explicit {@code this}/{@code super}, {@code synchronized} and anonymous
 * classes. Global AST transforms are disabled by the engine.
 */
final class StructureVerifier extends CompilationCustomizer {

    StructureVerifier() {
        super(CompilePhase.CONVERSION);
    }

    @Override
    public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
        ModuleNode module = source.getAST();
        Visitor v = new Visitor(source);
        if (module.getPackage() != null) {
            v.refuse(module.getPackage(), "package declarations are not allowed in rules");
        }
        for (ImportNode i : allImports(module)) {
            v.refuse(i, "imports are not allowed in rules (" + i.getText() + ")");
        }
        List<ClassNode> classes = module.getClasses();
        for (ClassNode c : classes) {
            if (!c.isScript()) {
                v.refuse(
                        c,
                        "declaring classes, interfaces, traits, enums or records is not allowed in rules");
                continue;
            }
            v.checkAnnotations(c);
            for (MethodNode m : c.getMethods()) {
                v.checkAnnotations(m);
                for (Parameter p : m.getParameters()) {
                    v.checkAnnotations(p);
                    // A default value runs as code of a generated overload: verify it too.
                    if (p.hasInitialExpression()) {
                        p.getInitialExpression().visit(v);
                    }
                }
                if (!m.isScriptBody() && m.getCode() != null) {
                    if (m.getLineNumber() > 0 && RESERVED_METHOD_NAMES.contains(m.getName())) {
                        v.refuse(m, "a rule cannot declare a method named '" + m.getName() + "'");
                    }
                }
                if (m.getCode() != null) {
                    m.getCode().visit(v);
                }
            }
            c.getFields().forEach(v::checkAnnotations);
        }
        for (MethodNode m : module.getMethods()) {
            v.checkAnnotations(m);
        }
    }

    private static List<ImportNode> allImports(ModuleNode module) {
        List<ImportNode> all = new java.util.ArrayList<>(module.getImports());
        all.addAll(module.getStarImports());
        all.addAll(module.getStaticImports().values());
        all.addAll(module.getStaticStarImports().values());
        return all;
    }

    /**
     * Method names of Script, GroovyObject and Object: a rule method of that name could shadow or
     * overload them.
     */
    static final java.util.Set<String> RESERVED_METHOD_NAMES = reservedNames();

    private static java.util.Set<String> reservedNames() {
        java.util.Set<String> names = new java.util.HashSet<>(Allowlist.FORBIDDEN_NAMES);
        for (Class<?> c :
                new Class<?>[] {
                    groovy.lang.Script.class,
                    groovy.lang.GroovyObject.class,
                    Object.class,
                    RuleScript.class
                }) {
            for (java.lang.reflect.Method m : c.getMethods()) {
                names.add(m.getName());
            }
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                names.add(m.getName());
            }
        }
        names.add("main");
        names.add("run");
        return java.util.Set.copyOf(names);
    }

    static final class Visitor extends ClassCodeVisitorSupport {
        private final SourceUnit source;

        Visitor(SourceUnit source) {
            this.source = source;
        }

        @Override
        protected SourceUnit getSourceUnit() {
            return source;
        }

        void refuse(ASTNode node, String message) {
            report(source, node, message);
        }

        void checkAnnotations(AnnotatedNode node) {
            if (node == null) {
                return;
            }
            for (org.codehaus.groovy.ast.AnnotationNode a : node.getAnnotations()) {
                // Groovy itself adds @BaseScript (for the engine's base class) and @Generated, with
                // no position.
                String type = a.getClassNode().getName();
                boolean generated =
                        a.getLineNumber() < 1
                                && (type.equals("groovy.transform.BaseScript")
                                        || type.equals("groovy.transform.Generated"));
                if (!generated) {
                    refuse(
                            a,
                            "annotations are not allowed in rules (@"
                                    + a.getClassNode().getNameWithoutPackage()
                                    + ")");
                    return;
                }
            }
        }

        @Override
        public void visitDeclarationExpression(DeclarationExpression e) {
            checkAnnotations(e);
            super.visitDeclarationExpression(e);
        }

        @Override
        public void visitClosureExpression(ClosureExpression e) {
            if (e.getParameters() != null) {
                for (Parameter p : e.getParameters()) {
                    checkAnnotations(p);
                    if (p.hasInitialExpression()) {
                        p.getInitialExpression().visit(this);
                    }
                }
            }
            e.getCode().visit(this);
        }

        @Override
        public void visitMethodPointerExpression(MethodPointerExpression e) {
            refuse(e, "method pointers and method references (.& and ::) are not allowed in rules");
        }

        @Override
        public void visitAttributeExpression(AttributeExpression e) {
            refuse(e, "attribute access (.@) is not allowed in rules");
        }

        @Override
        public void visitPropertyExpression(PropertyExpression e) {
            String name = e.getPropertyAsString();
            if (name == null) {
                refuse(e, "property names computed at run time are not allowed in rules");
            } else if (Allowlist.FORBIDDEN_NAMES.contains(name)) {
                refuse(e, "'" + name + "' is not allowed in rules");
            }
            super.visitPropertyExpression(e);
        }

        @Override
        public void visitMethodCallExpression(MethodCallExpression e) {
            String name = e.getMethodAsString();
            if (name == null) {
                refuse(e, "method names computed at run time are not allowed in rules");
            } else if (Allowlist.FORBIDDEN_NAMES.contains(name)) {
                refuse(e.getMethod(), "'" + name + "' is not allowed in rules");
            }
            // An implicit-this call carries a positioned "this"; it is not one the rule wrote.
            if (!e.isImplicitThis()) {
                e.getObjectExpression().visit(this);
            }
            e.getMethod().visit(this);
            e.getArguments().visit(this);
        }

        @Override
        public void visitStaticMethodCallExpression(StaticMethodCallExpression e) {
            if (Allowlist.FORBIDDEN_NAMES.contains(e.getMethod())) {
                refuse(e, "'" + e.getMethod() + "' is not allowed in rules");
            }
            super.visitStaticMethodCallExpression(e);
        }

        @Override
        public void visitConstructorCallExpression(ConstructorCallExpression e) {
            if (e.isUsingAnonymousInnerClass()) {
                refuse(e, "anonymous classes are not allowed in rules");
            }
            if (e.isSpecialCall()) {
                refuse(e, "this(...) and super(...) calls are not allowed in rules");
            }
            super.visitConstructorCallExpression(e);
        }

        @Override
        public void visitVariableExpression(VariableExpression e) {
            if (e.isSuperExpression()) {
                refuse(e, "'super' is not allowed in rules");
            } else if (e.isThisExpression() && e.getLineNumber() > 0) {
                refuse(e, "'this' is not allowed in rules");
            }
            super.visitVariableExpression(e);
        }

        @Override
        public void visitSynchronizedStatement(SynchronizedStatement s) {
            refuse(s, "synchronized is not allowed in rules");
        }
    }

    static void report(SourceUnit source, ASTNode node, String message) {
        int line = Math.max(node.getLineNumber(), 0);
        int col = Math.max(node.getColumnNumber(), 0);
        source.getErrorCollector()
                .addErrorAndContinue(
                        new SyntaxErrorMessage(
                                new SyntaxException(
                                        message,
                                        line,
                                        col,
                                        node.getLastLineNumber(),
                                        node.getLastColumnNumber()),
                                source));
    }
}
