package io.rulecast.runtime.groovy;

import java.util.List;
import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.ConstructorNode;
import org.codehaus.groovy.ast.FieldNode;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.Parameter;
import org.codehaus.groovy.ast.PropertyNode;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.ReturnStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;

/**
 * The last look at a rule before bytecode is generated (INSTRUCTION_SELECTION, after every AST
 * transform): every place of the class that holds code must be one the {@link SandboxTransformer}
 * rewrote. Method bodies and parameter default values carry its mark; the only other code allowed
 * is what Groovy generates for every script (its {@code main} and constructors), which contains no
 * position of the rule's source. Anything else — an initializer, a field value, a property, a
 * class, code a compile phase moved somewhere the rewriter does not walk — is refused, so a
 * construct the sandbox does not know fails to compile instead of running unchecked.
 */
final class LateVerifier extends CompilationCustomizer {

    LateVerifier() {
        super(CompilePhase.INSTRUCTION_SELECTION);
    }

    @Override
    public void call(SourceUnit source, GeneratorContext context, ClassNode c) {
        if (!c.isScript()) {
            refuse(source, c, "a class (" + c.getName() + ")");
            return;
        }
        for (MethodNode m : c.getMethods()) {
            for (Parameter p : m.getParameters()) {
                if (p.hasInitialExpression()
                        && p.getInitialExpression().getNodeMetaData(SandboxTransformer.VERIFIED)
                                == null) {
                    refuse(source, p, "the default value of parameter '" + p.getName() + "'");
                }
            }
            if (m.getNodeMetaData(SandboxTransformer.VERIFIED) == null
                    && m.getCode() != null
                    && !isGenerated(m.getCode())) {
                refuse(source, m, "method " + m.getName() + "()");
            }
        }
        for (ConstructorNode k : c.getDeclaredConstructors()) {
            if (k.getCode() != null && !isGenerated(k.getCode())) {
                refuse(source, k, "a constructor");
            }
        }
        for (FieldNode f : c.getFields()) {
            if (f.hasInitialExpression()) {
                refuse(source, f, "the initial value of field '" + f.getName() + "'");
            }
        }
        for (PropertyNode p : c.getProperties()) {
            refuse(source, p, "property '" + p.getName() + "'");
        }
        refuseAll(source, c.getObjectInitializerStatements(), "an initializer block");
        if (c.getInnerClasses().hasNext()) {
            refuse(source, c.getInnerClasses().next(), "a nested class");
        }
    }

    /** Code Groovy made itself: no statement or expression of it has a position in the rule. */
    private static boolean isGenerated(Statement code) {
        if (code.getLineNumber() > 0) {
            return false;
        }
        if (code instanceof BlockStatement b) {
            for (Statement s : b.getStatements()) {
                if (!isGenerated(s)) {
                    return false;
                }
            }
            return true;
        }
        if (code instanceof ExpressionStatement e) {
            return e.getExpression().getLineNumber() < 1;
        }
        if (code instanceof ReturnStatement r) {
            return r.getExpression().getLineNumber() < 1;
        }
        return false;
    }

    private static void refuseAll(SourceUnit source, List<Statement> statements, String what) {
        for (Statement s : statements) {
            refuse(source, s, what);
        }
    }

    private static void refuse(SourceUnit source, ASTNode node, String what) {
        StructureVerifier.report(
                source,
                node,
                what
                        + " holds code the sandbox has not verified; this construct is not allowed in"
                        + " rules");
    }
}
