package io.rulecast.runtime.groovy;

import static org.codehaus.groovy.ast.tools.GeneralUtils.args;
import static org.codehaus.groovy.ast.tools.GeneralUtils.constX;
import static org.codehaus.groovy.ast.tools.GeneralUtils.stmt;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.ast.ClassCodeExpressionTransformer;
import org.codehaus.groovy.ast.ClassHelper;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.DynamicVariable;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.Parameter;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.ArrayExpression;
import org.codehaus.groovy.ast.expr.AttributeExpression;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.BitwiseNegationExpression;
import org.codehaus.groovy.ast.expr.BooleanExpression;
import org.codehaus.groovy.ast.expr.CastExpression;
import org.codehaus.groovy.ast.expr.ClassExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.ConstructorCallExpression;
import org.codehaus.groovy.ast.expr.DeclarationExpression;
import org.codehaus.groovy.ast.expr.ElvisOperatorExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.ListExpression;
import org.codehaus.groovy.ast.expr.MapEntryExpression;
import org.codehaus.groovy.ast.expr.MapExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.MethodPointerExpression;
import org.codehaus.groovy.ast.expr.NamedArgumentListExpression;
import org.codehaus.groovy.ast.expr.NotExpression;
import org.codehaus.groovy.ast.expr.PostfixExpression;
import org.codehaus.groovy.ast.expr.PrefixExpression;
import org.codehaus.groovy.ast.expr.PropertyExpression;
import org.codehaus.groovy.ast.expr.RangeExpression;
import org.codehaus.groovy.ast.expr.SpreadExpression;
import org.codehaus.groovy.ast.expr.StaticMethodCallExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.ast.stmt.AssertStatement;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.ast.stmt.CaseStatement;
import org.codehaus.groovy.ast.stmt.CatchStatement;
import org.codehaus.groovy.ast.stmt.DoWhileStatement;
import org.codehaus.groovy.ast.stmt.ForStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.ast.stmt.WhileStatement;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.syntax.Types;

/**
 * Rewrites a rule, after names are resolved (CANONICALIZATION), so that everything it does at run
 * time passes through {@link Sandbox}: calls, property reads and writes, subscripts, regex
 * operators, ranges, amplifying operators. Adds a cancellation check at every loop iteration,
 * closure and method entry, and a re-throw guard to every catch block. Refuses classes a rule may
 * not name (in {@code new}, casts, declarations, static calls) and unknown variables.
 */
final class SandboxTransformer extends CompilationCustomizer {
    static final ClassNode SANDBOX = ClassHelper.make(Sandbox.class);

    static final ClassNode EXACT_NUMBERS = ClassHelper.make(ExactNumbers.class);

    private static final ClassNode RULE_SCRIPT = ClassHelper.make(RuleScript.class);

    /** Node metadata key: set on every method and default value this rewriter has rewritten. */
    static final Object VERIFIED = SandboxTransformer.class.getName() + ".verified";

    /**
     * A call of a {@code Sandbox} method compiled as a direct {@code invokestatic}: Groovy's
     * dynamic call sites guard on argument classes, and sandbox arguments change class from call to
     * call (a value or null, a map or a list), which would re-link the site again and again.
     */
    static MethodCallExpression callX(ClassNode owner, String name, Expression arguments) {
        ArgumentListExpression list =
                arguments instanceof ArgumentListExpression a
                        ? a
                        : new ArgumentListExpression(
                                ((TupleExpression) arguments).getExpressions());
        MethodCallExpression call =
                new MethodCallExpression(new ClassExpression(owner), name, list);
        call.setImplicitThis(false);
        call.setMethodTarget(method(owner, name, list.getExpressions().size()));
        return call;
    }

    static MethodCallExpression callX(ClassNode owner, String name) {
        return callX(owner, name, new ArgumentListExpression());
    }

    private static MethodNode method(ClassNode owner, String name, int arity) {
        for (MethodNode m : owner.getMethods(name)) {
            if (m.getParameters().length == arity && m.isPublic()) {
                return m;
            }
        }
        throw new IllegalStateException(
                "no " + owner.getName() + "." + name + " with " + arity + " arguments");
    }

    private static final Map<Integer, String> COMPOUND_OPERATORS =
            Map.ofEntries(
                    Map.entry(Types.PLUS_EQUAL, "plus"),
                    Map.entry(Types.MINUS_EQUAL, "minus"),
                    Map.entry(Types.MULTIPLY_EQUAL, "multiply"),
                    Map.entry(Types.DIVIDE_EQUAL, "div"),
                    Map.entry(Types.INTDIV_EQUAL, "intdiv"),
                    Map.entry(Types.MOD_EQUAL, "mod"),
                    Map.entry(Types.REMAINDER_EQUAL, "remainder"),
                    Map.entry(Types.POWER_EQUAL, "power"),
                    Map.entry(Types.LEFT_SHIFT_EQUAL, "leftShift"),
                    Map.entry(Types.RIGHT_SHIFT_EQUAL, "rightShift"),
                    Map.entry(Types.RIGHT_SHIFT_UNSIGNED_EQUAL, "rightShiftUnsigned"),
                    Map.entry(Types.BITWISE_OR_EQUAL, "or"),
                    Map.entry(Types.BITWISE_AND_EQUAL, "and"),
                    Map.entry(Types.BITWISE_XOR_EQUAL, "xor"));

    SandboxTransformer() {
        super(CompilePhase.CANONICALIZATION);
    }

    @Override
    public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
        if (!classNode.isScript()) {
            return;
        }
        Set<String> userMethods = new HashSet<>();
        for (MethodNode m : classNode.getMethods()) {
            if (isUserMethod(m)) {
                userMethods.add(m.getName());
            }
        }
        Rewriter rewriter = new Rewriter(source, classNode, userMethods);
        for (MethodNode m : classNode.getMethods()) {
            if (isBody(m) || isUserMethod(m)) {
                rewriter.rewriteMethod(m);
            }
        }
    }

    private static boolean isBody(MethodNode m) {
        return m.isScriptBody() && m.getName().equals("run") && m.getParameters().length == 0;
    }

    private static boolean isUserMethod(MethodNode m) {
        // main(String[]) and run() are generated; a rule may not declare methods of those names.
        return !m.isScriptBody()
                && !m.getName().equals("main")
                && !m.getName().equals("run")
                && m.getCode() != null
                && !m.isSynthetic()
                && !org.apache.groovy.ast.tools.AnnotatedNodeUtils.isGenerated(m);
    }

    static final class Rewriter extends ClassCodeExpressionTransformer {
        private final SourceUnit source;
        private final ClassNode scriptClass;
        private final Set<String> userMethods;
        private int closureDepth;
        private boolean inStaticMethod;

        /** In an assert, whose failure message shows each part of the condition as written. */
        private boolean inAssert;

        Rewriter(SourceUnit source, ClassNode scriptClass, Set<String> userMethods) {
            this.source = source;
            this.scriptClass = scriptClass;
            this.userMethods = userMethods;
        }

        @Override
        protected SourceUnit getSourceUnit() {
            return source;
        }

        void rewriteMethod(MethodNode m) {
            if (!isBody(m)) {
                checkType(m.getReturnType(), m);
                inStaticMethod = m.isStatic();
                for (Parameter p : m.getParameters()) {
                    checkType(p.getOriginType(), p);
                    // A default value becomes code of a generated overload (Groovy's Verifier,
                    // after this phase), which is built from this very expression.
                    if (p.hasInitialExpression()) {
                        p.setInitialExpression(verified(transform(p.getInitialExpression())));
                    }
                }
                m.setCode(withTick(m.getCode()));
            }
            inStaticMethod = m.isStatic();
            m.getCode().visit(this);
            m.putNodeMetaData(VERIFIED, Boolean.TRUE);
        }

        private static Expression verified(Expression e) {
            e.putNodeMetaData(VERIFIED, Boolean.TRUE);
            return e;
        }

        private void refuse(ASTNode node, String message) {
            StructureVerifier.report(source, node, message);
        }

        // ------------------------------------------------------------ statements

        @Override
        public void visitForLoop(ForStatement loop) {
            checkType(loop.getVariable().getOriginType(), loop);
            loop.setLoopBlock(withTick(loop.getLoopBlock()));
            super.visitForLoop(loop);
        }

        @Override
        public void visitWhileLoop(WhileStatement loop) {
            loop.setLoopBlock(withTick(loop.getLoopBlock()));
            super.visitWhileLoop(loop);
        }

        @Override
        public void visitDoWhileLoop(DoWhileStatement loop) {
            loop.setLoopBlock(withTick(loop.getLoopBlock()));
            super.visitDoWhileLoop(loop);
        }

        @Override
        public void visitAssertStatement(AssertStatement a) {
            inAssert = true;
            try {
                super.visitAssertStatement(a);
            } finally {
                inAssert = false;
            }
        }

        @Override
        public void visitCatchStatement(CatchStatement c) {
            checkType(c.getExceptionType(), c);
            BlockStatement block = new BlockStatement();
            block.addStatement(
                    stmt(
                            callX(
                                    SANDBOX,
                                    "checkCaught",
                                    args(new VariableExpression(c.getVariable())))));
            block.addStatement(c.getCode());
            block.setSourcePosition(c.getCode());
            c.setCode(block);
            super.visitCatchStatement(c);
        }

        @Override
        public void visitCaseStatement(CaseStatement c) {
            // "case String:" matches by type; the class is a pattern there, not a value.
            if (!(c.getExpression() instanceof ClassExpression)) {
                c.setExpression(transform(c.getExpression()));
            }
            c.getCode().visit(this);
        }

        private static Statement withTick(Statement body) {
            BlockStatement block = new BlockStatement();
            block.addStatement(stmt(callX(SANDBOX, "tick")));
            block.addStatement(body);
            block.setSourcePosition(body);
            if (body instanceof BlockStatement b) {
                block.setVariableScope(b.getVariableScope());
            }
            return block;
        }

        // ------------------------------------------------------------ expressions

        @Override
        public Expression transform(Expression e) {
            if (e == null) {
                return null;
            }
            Expression out;
            if (e instanceof ClosureExpression c) {
                out = closure(c);
            } else if (e instanceof MethodCallExpression mce) {
                out = methodCall(mce);
            } else if (e instanceof StaticMethodCallExpression smce) {
                out = staticCall(smce);
            } else if (e instanceof AttributeExpression || e instanceof MethodPointerExpression) {
                refuse(e, "not allowed in rules");
                out = e;
            } else if (e instanceof PropertyExpression pe) {
                out = property(pe);
            } else if (e instanceof DeclarationExpression de) {
                out = declaration(de);
            } else if (e instanceof BinaryExpression be) {
                out = binary(be);
            } else if (e instanceof ConstructorCallExpression cce) {
                out = constructor(cce);
            } else if (e instanceof CastExpression ce && ce.isCoerce()) {
                // x as T: closures and maps are not turned into proxies, numbers stay bounded
                checkType(ce.getType(), ce);
                out =
                        callX(
                                SANDBOX,
                                "asType",
                                args(
                                        transform(ce.getExpression()),
                                        new ClassExpression(ce.getType())));
            } else if (e instanceof ConstantExpression k
                    && (k.getValue() instanceof java.math.BigDecimal
                            || k.getValue() instanceof java.math.BigInteger)) {
                try {
                    ExactNumbers.bounded(k.getValue());
                } catch (RuntimeException tooLarge) {
                    refuse(k, "this number literal is larger than rules may compute");
                }
                out = e;
            } else if (e instanceof CastExpression ce) {
                checkType(ce.getType(), ce);
                out =
                        new CastExpression(
                                ce.getType(),
                                transform(ce.getExpression()),
                                ce.isIgnoringAutoboxing());
                ((CastExpression) out).setCoerce(ce.isCoerce());
                ((CastExpression) out).setStrict(ce.isStrict());
            } else if (e instanceof ClassExpression) {
                refuse(
                        e,
                        "a class cannot be used as a value in rules ("
                                + e.getType().getName()
                                + ")");
                out = e;
            } else if (e instanceof VariableExpression ve) {
                out = variable(ve);
            } else if (e instanceof RangeExpression re) {
                out =
                        callX(
                                SANDBOX,
                                "range",
                                args(
                                        transform(re.getFrom()),
                                        transform(re.getTo()),
                                        constX(re.isExclusiveLeft()),
                                        constX(re.isExclusiveRight())));
            } else if (e instanceof BitwiseNegationExpression bn) {
                out = callX(SANDBOX, "bitwiseNegate", args(transform(bn.getExpression())));
            } else if (e instanceof PrefixExpression pe
                    && !(pe.getExpression() instanceof VariableExpression)) {
                refuse(e, "++ and -- work on local variables only in rules: write x.y = x.y + 1");
                out = e;
            } else if (e instanceof PostfixExpression pe
                    && !(pe.getExpression() instanceof VariableExpression)) {
                refuse(e, "++ and -- work on local variables only in rules: write x.y = x.y + 1");
                out = e;
            } else if (e instanceof ElvisOperatorExpression elvis
                    && elvis.getFalseExpression() instanceof ConstantExpression fallback) {
                // a ?: 'constant' as one direct call (the constant may be evaluated early)
                out = callX(SANDBOX, "elvis", args(transform(elvis.getTrueExpression()), fallback));
            } else if (e instanceof NotExpression not) {
                out = new NotExpression(truth(transform(not.getExpression())));
            } else if (e instanceof BooleanExpression be) {
                out = new BooleanExpression(truth(transform(be.getExpression())));
            } else if (e instanceof MapExpression me && isConstantKeyed(me)) {
                out = mapLiteral(me);
            } else if (e instanceof ArrayExpression ae && ae.getSizeExpression() != null) {
                List<Expression> sizes = new ArrayList<>();
                for (Expression s : ae.getSizeExpression()) {
                    sizes.add(callX(SANDBOX, "cap", args(transform(s))));
                }
                checkType(ae.getElementType(), ae);
                out = new ArrayExpression(ae.getElementType(), null, sizes);
            } else {
                out = e.transformExpression(this);
            }
            if (out != e) {
                out.setSourcePosition(e);
            }
            return out;
        }

        /**
         * A condition as a direct call of {@link Sandbox#truth} (Groovy would convert the value to
         * boolean through a dynamic call site); expressions that are boolean already stay as they
         * are.
         */
        private Expression truth(Expression condition) {
            if (inAssert || isBoolean(condition)) {
                return condition;
            }
            Expression call = callX(SANDBOX, "truth", args(condition));
            call.setSourcePosition(condition);
            return call;
        }

        private static boolean isBoolean(Expression e) {
            if (e instanceof BooleanExpression) {
                return true;
            }
            if (e instanceof ConstantExpression k) {
                return k.isTrueExpression() || k.isFalseExpression();
            }
            if (e instanceof MethodCallExpression m && m.getMethodTarget() != null) {
                return ClassHelper.isPrimitiveBoolean(m.getMethodTarget().getReturnType());
            }
            if (e instanceof BinaryExpression b) {
                switch (b.getOperation().getType()) {
                    case Types.COMPARE_EQUAL:
                    case Types.COMPARE_NOT_EQUAL:
                    case Types.COMPARE_IDENTICAL:
                    case Types.COMPARE_NOT_IDENTICAL:
                    case Types.COMPARE_LESS_THAN:
                    case Types.COMPARE_LESS_THAN_EQUAL:
                    case Types.COMPARE_GREATER_THAN:
                    case Types.COMPARE_GREATER_THAN_EQUAL:
                    case Types.KEYWORD_INSTANCEOF:
                    case Types.COMPARE_NOT_INSTANCEOF:
                    case Types.LOGICAL_AND:
                    case Types.LOGICAL_OR:
                        return true;
                    default:
                        return false;
                }
            }
            return false;
        }

        /**
         * At most this many entries are built by nested calls; longer literals stay as they are.
         */
        private static final int MAX_DIRECT_MAP = 64;

        private static boolean isConstantKeyed(MapExpression me) {
            List<MapEntryExpression> entries = me.getMapEntryExpressions();
            if (entries.isEmpty() || entries.size() > MAX_DIRECT_MAP) {
                return false;
            }
            for (MapEntryExpression entry : entries) {
                if (!(entry.getKeyExpression() instanceof ConstantExpression k
                        && k.getValue() instanceof String)) {
                    return false;
                }
            }
            return true;
        }

        /** {@code [k1: v1, k2: v2]} as {@code entry(entry(map(2), k1, v1), k2, v2)}. */
        private Expression mapLiteral(MapExpression me) {
            List<MapEntryExpression> entries = me.getMapEntryExpressions();
            Expression map = callX(SANDBOX, "map", args(constX(entries.size(), true)));
            for (MapEntryExpression entry : entries) {
                map =
                        callX(
                                SANDBOX,
                                "entry",
                                args(
                                        map,
                                        entry.getKeyExpression(),
                                        transform(entry.getValueExpression())));
                map.setSourcePosition(entry);
            }
            return map;
        }

        private Expression closure(ClosureExpression c) {
            if (c.getParameters() != null) {
                for (Parameter p : c.getParameters()) {
                    checkType(p.getOriginType(), p);
                    if (p.hasInitialExpression()) {
                        p.setInitialExpression(verified(transform(p.getInitialExpression())));
                    }
                }
            }
            c.setCode(withTick(c.getCode()));
            closureDepth++;
            try {
                c.getCode().visit(this);
            } finally {
                closureDepth--;
            }
            return c;
        }

        private Expression methodCall(MethodCallExpression mce) {
            if (mce.getMethodTarget() != null
                    && mce.getObjectExpression() instanceof ClassExpression own
                    && (own.getType().equals(SANDBOX) || own.getType().equals(EXACT_NUMBERS))) {
                return mce; // inserted by this rewriter (tick, checkCaught); rules cannot set
                // targets
            }
            String name = mce.getMethodAsString();
            if (name == null) {
                refuse(mce, "method names computed at run time are not allowed in rules");
                return mce;
            }
            Expression arguments = transform(mce.getArguments());
            Expression object = mce.getObjectExpression();
            if (mce.isImplicitThis()) {
                if (!userMethods.contains(name)) {
                    refuse(
                            mce.getMethod(),
                            "unknown method "
                                    + name
                                    + "(): a rule can call its own methods, its closures and methods of values (use ctx.log to log)");
                    return mce;
                }
                MethodCallExpression call =
                        new MethodCallExpression(
                                VariableExpression.THIS_EXPRESSION, name, arguments);
                call.setImplicitThis(false);
                return call;
            }
            if (object instanceof ClassExpression ce) {
                checkStatic(ce.getType(), name, mce);
                if (ce.getType().getName().equals("java.lang.String") && name.equals("format")) {
                    return callX(
                            EXACT_NUMBERS,
                            "format",
                            args(firstArg(arguments), restArgs(arguments)));
                }
                MethodCallExpression call = new MethodCallExpression(object, name, arguments);
                call.setSafe(mce.isSafe());
                return isExactNumber(ce.getType())
                        ? callX(EXACT_NUMBERS, "bounded", args(call))
                        : call;
            }
            if (object instanceof VariableExpression v
                    && (v.isThisExpression() || v.isSuperExpression())) {
                refuse(object, "'" + v.getName() + "' is not allowed in rules");
                return mce;
            }
            if (Allowlist.FORBIDDEN_NAMES.contains(name)) {
                refuse(mce.getMethod(), "'" + name + "' is not allowed in rules");
                return mce;
            }
            Expression receiver = transform(object);
            String direct = ctxCall(object, name, arguments, mce);
            if (direct != null) {
                List<Expression> all = new ArrayList<>();
                all.add(receiver);
                all.addAll(((ArgumentListExpression) arguments).getExpressions());
                return callX(SANDBOX, direct, new ArgumentListExpression(all));
            }
            if (Allowlist.GUARDED_METHODS.contains(name)) {
                if (mce.isSpreadSafe()) {
                    refuse(
                            mce,
                            "spread call *." + name + "() is not supported in rules: use collect");
                    return mce;
                }
                return callX(
                        SANDBOX,
                        mce.isSafe() ? "invokeSafe" : "invoke",
                        args(receiver, constX(name), asList(arguments)));
            }
            String check = mce.isSpreadSafe() ? "spread" : mce.isSafe() ? "rs" : "r";
            MethodCallExpression call =
                    new MethodCallExpression(
                            callX(SANDBOX, check, args(receiver, constX(name))), name, arguments);
            call.setSafe(mce.isSafe());
            call.setSpreadSafe(mce.isSpreadSafe());
            call.setImplicitThis(false);
            return call;
        }

        /**
         * The {@link Sandbox} method that calls {@code ctx.name(arguments)} directly (falling back
         * to Groovy's dispatch for arguments of other types), or null when there is none.
         */
        private static String ctxCall(
                Expression object, String name, Expression arguments, MethodCallExpression mce) {
            if (!(object instanceof VariableExpression v
                            && v.getAccessedVariable() instanceof DynamicVariable
                            && "ctx".equals(v.getName()))
                    || mce.isSafe()
                    || mce.isSpreadSafe()
                    || !(arguments instanceof ArgumentListExpression list)) {
                return null;
            }
            for (Expression a : list.getExpressions()) {
                if (a instanceof NamedArgumentListExpression || a instanceof SpreadExpression) {
                    return null;
                }
            }
            int n = list.getExpressions().size();
            switch (name) {
                case "dim":
                    return n == 2 ? "ctxDim" : null;
                case "metric":
                    return n == 2 || n == 3 ? "ctxMetric" : null;
                case "upsert":
                    return n == 2 ? "ctxUpsert" : null;
                case "log":
                    return n == 1 ? "ctxLog" : null;
                default:
                    return null;
            }
        }

        private Expression staticCall(StaticMethodCallExpression smce) {
            Expression arguments = transform(smce.getArguments());
            if (smce.getOwnerType().equals(SANDBOX)) {
                return smce; // inserted by this rewriter (tick, checkCaught)
            }
            if (smce.getOwnerType().equals(scriptClass) && userMethods.contains(smce.getMethod())) {
                return new StaticMethodCallExpression(
                        smce.getOwnerType(), smce.getMethod(), arguments);
            }
            refuse(smce, "unknown method " + smce.getMethod() + "()");
            return smce;
        }

        private Expression property(PropertyExpression pe) {
            String name = pe.getPropertyAsString();
            Expression object = pe.getObjectExpression();
            if (name == null) {
                refuse(pe, "property names computed at run time are not allowed in rules");
                return pe;
            }
            if (object instanceof ClassExpression ce) {
                checkStatic(ce.getType(), name, pe);
                return pe;
            }
            if (object instanceof VariableExpression v
                    && (v.isThisExpression() || v.isSuperExpression())) {
                refuse(object, "'" + v.getName() + "' is not allowed in rules");
                return pe;
            }
            if (Allowlist.FORBIDDEN_NAMES.contains(name)) {
                refuse(pe, "'" + name + "' is not allowed in rules");
                return pe;
            }
            String getter =
                    pe.isSpreadSafe()
                            ? "getPropertySpread"
                            : pe.isSafe() ? "getPropertySafe" : "getProperty";
            return callX(SANDBOX, getter, args(transform(object), constX(name)));
        }

        private Expression declaration(DeclarationExpression de) {
            if (de.isMultipleAssignmentDeclaration()) {
                for (Expression v : de.getTupleExpression().getExpressions()) {
                    checkType(((VariableExpression) v).getOriginType(), v);
                }
            } else {
                checkType(de.getVariableExpression().getOriginType(), de);
            }
            de.setRightExpression(transform(de.getRightExpression()));
            return de;
        }

        private Expression binary(BinaryExpression be) {
            int op = be.getOperation().getType();
            Expression left = be.getLeftExpression();
            if (op == Types.ASSIGN || COMPOUND_OPERATORS.containsKey(op)) {
                return assignment(be, op, left);
            }
            if (Types.isAssignment(op)) {
                refuse(
                        be,
                        "operator " + be.getOperation().getText() + " is not supported in rules");
                return be;
            }
            switch (op) {
                case Types.LEFT_SQUARE_BRACKET:
                    return callX(
                            SANDBOX,
                            be.isSafe() ? "getAtSafe" : "getAt",
                            args(transform(left), transform(be.getRightExpression())));
                case Types.FIND_REGEX:
                    return callX(
                            SANDBOX,
                            "find",
                            args(transform(left), transform(be.getRightExpression())));
                case Types.MATCH_REGEX:
                    return callX(
                            SANDBOX,
                            "matchRegex",
                            args(transform(left), transform(be.getRightExpression())));
                case Types.MULTIPLY:
                    return callX(
                            SANDBOX,
                            "multiply",
                            args(transform(left), transform(be.getRightExpression())));
                case Types.POWER:
                    return callX(
                            SANDBOX,
                            "power",
                            args(transform(left), transform(be.getRightExpression())));
                case Types.LEFT_SHIFT:
                    return callX(
                            EXACT_NUMBERS,
                            "leftShift",
                            args(transform(left), transform(be.getRightExpression())));
                case Types.KEYWORD_INSTANCEOF:
                case Types.COMPARE_NOT_INSTANCEOF:
                    be.setLeftExpression(transform(left));
                    return be;
                case Types.LOGICAL_AND:
                case Types.LOGICAL_OR:
                    be.setLeftExpression(truth(transform(left)));
                    be.setRightExpression(truth(transform(be.getRightExpression())));
                    return be;
                default:
                    be.setLeftExpression(transform(left));
                    be.setRightExpression(transform(be.getRightExpression()));
                    return be;
            }
        }

        private Expression assignment(BinaryExpression be, int op, Expression left) {
            Expression value = transform(be.getRightExpression());
            String operator = COMPOUND_OPERATORS.get(op);
            if (left instanceof PropertyExpression pe && !(left instanceof AttributeExpression)) {
                String name = pe.getPropertyAsString();
                if (name == null
                        || pe.getObjectExpression() instanceof ClassExpression
                        || pe.isSpreadSafe()) {
                    refuse(pe, "cannot assign to this property in rules");
                    return be;
                }
                Expression receiver = transform(pe.getObjectExpression());
                return operator == null
                        ? callX(SANDBOX, "setProperty", args(receiver, constX(name), value))
                        : callX(
                                SANDBOX,
                                "compoundProperty",
                                args(receiver, constX(name), constX(operator), value));
            }
            if (left instanceof BinaryExpression sub
                    && sub.getOperation().getType() == Types.LEFT_SQUARE_BRACKET) {
                Expression receiver = transform(sub.getLeftExpression());
                Expression index = transform(sub.getRightExpression());
                return operator == null
                        ? callX(SANDBOX, "putAt", args(receiver, index, value))
                        : callX(
                                SANDBOX,
                                "compoundAt",
                                args(receiver, index, constX(operator), value));
            }
            if (left instanceof VariableExpression v) {
                if (v.getAccessedVariable() instanceof DynamicVariable
                        || v.isThisExpression()
                        || v.isSuperExpression()) {
                    refuse(
                            v,
                            "cannot assign to '"
                                    + v.getName()
                                    + "': declare local variables with def");
                    return be;
                }
                if ("multiply".equals(operator)
                        || "power".equals(operator)
                        || "leftShift".equals(operator)) {
                    // x *= n builds through the same size checks as x * n
                    BinaryExpression assign =
                            new BinaryExpression(
                                    v,
                                    org.codehaus.groovy.syntax.Token.newSymbol(
                                            Types.ASSIGN,
                                            be.getOperation().getStartLine(),
                                            be.getOperation().getStartColumn()),
                                    callX(
                                            "leftShift".equals(operator) ? EXACT_NUMBERS : SANDBOX,
                                            operator,
                                            args(v, value)));
                    return assign;
                }
                be.setRightExpression(value);
                return be;
            }
            if (left instanceof TupleExpression t) {
                for (Expression x : t.getExpressions()) {
                    if (!(x instanceof VariableExpression v)
                            || v.getAccessedVariable() instanceof DynamicVariable) {
                        refuse(x, "only local variables can be assigned together in rules");
                        return be;
                    }
                }
                be.setRightExpression(value);
                return be;
            }
            refuse(left, "cannot assign to this expression in rules");
            return be;
        }

        private Expression constructor(ConstructorCallExpression cce) {
            ClassNode type = cce.getType();
            Class<?> c = load(type);
            if (c == null || !Allowlist.CONSTRUCTIBLE.contains(c)) {
                refuse(cce, "new " + type.getName() + "(...) is not allowed in rules");
                return cce;
            }
            Expression arguments = transform(cce.getArguments());
            boolean exact = isExactNumber(type);
            if (arguments instanceof TupleExpression t) {
                List<Expression> capped = new ArrayList<>();
                for (Expression a : t.getExpressions()) {
                    capped.add(
                            exact
                                    ? callX(EXACT_NUMBERS, "numeral", args(a))
                                    : callX(SANDBOX, "cap", args(a)));
                }
                arguments = new ArgumentListExpression(capped);
            }
            ConstructorCallExpression made = new ConstructorCallExpression(type, arguments);
            return exact ? callX(EXACT_NUMBERS, "bounded", args(made)) : made;
        }

        private Expression variable(VariableExpression ve) {
            if (ve.getAccessedVariable() instanceof DynamicVariable) {
                String name = ve.getName();
                if ("event".equals(name) || "ctx".equals(name)) {
                    MethodCallExpression call =
                            new MethodCallExpression(
                                    VariableExpression.THIS_EXPRESSION,
                                    "event".equals(name) ? "__rulecastEvent" : "__rulecastCtx",
                                    ArgumentListExpression.EMPTY_ARGUMENTS);
                    call.setImplicitThis(false);
                    if (closureDepth == 0 && !inStaticMethod) {
                        // "this" is the rule itself here (in a closure it would be the closure), so
                        // the accessor can be called directly.
                        call.setMethodTarget(method(RULE_SCRIPT, call.getMethodAsString(), 0));
                    }
                    return call;
                }
                refuse(
                        ve,
                        "unknown variable '"
                                + name
                                + "': rules see event and ctx; declare locals with def");
                return ve;
            }
            if ((ve.isThisExpression() || ve.isSuperExpression()) && ve.getLineNumber() > 0) {
                refuse(ve, "'" + ve.getName() + "' is not allowed in rules");
            }
            return ve;
        }

        private static boolean isExactNumber(ClassNode type) {
            String n = type.getName();
            return n.equals("java.math.BigDecimal") || n.equals("java.math.BigInteger");
        }

        private static Expression firstArg(Expression arguments) {
            List<Expression> all = ((TupleExpression) arguments).getExpressions();
            return all.isEmpty() ? constX(null) : all.get(0);
        }

        private Expression restArgs(Expression arguments) {
            List<Expression> all = ((TupleExpression) arguments).getExpressions();
            return new ListExpression(
                    new ArrayList<>(all.subList(Math.min(1, all.size()), all.size())));
        }

        private Expression asList(Expression arguments) {
            List<Expression> items = new ArrayList<>();
            if (arguments instanceof TupleExpression t) {
                for (Expression a : t.getExpressions()) {
                    if (a instanceof NamedArgumentListExpression named) {
                        items.add(new MapExpression(named.getMapEntryExpressions()));
                    } else {
                        items.add(a);
                    }
                }
            } else {
                items.add(arguments);
            }
            return new ListExpression(items);
        }

        private void checkStatic(ClassNode type, String member, ASTNode where) {
            Class<?> c = load(type);
            Set<String> allowed = c == null ? null : Allowlist.STATICS.get(c);
            if (allowed == null) {
                refuse(where, "class " + type.getName() + " is not allowed in rules");
            } else if (Allowlist.FORBIDDEN_NAMES.contains(member)
                    || !(allowed.contains("*") || allowed.contains(member))) {
                refuse(
                        where,
                        type.getNameWithoutPackage() + "." + member + " is not allowed in rules");
            }
        }

        private void checkType(ClassNode type, ASTNode where) {
            if (type == null
                    || type.equals(ClassHelper.DYNAMIC_TYPE)
                    || type.equals(ClassHelper.OBJECT_TYPE)) {
                return;
            }
            if (type.equals(scriptClass)) {
                refuse(where, "the rule itself cannot be used as a type");
                return;
            }
            Class<?> c = load(type);
            if (c == null || !Allowlist.isNameableType(c)) {
                refuse(where, "type " + type.getName() + " is not allowed in rules");
            }
        }

        private static Class<?> load(ClassNode type) {
            try {
                if (type.isArray()) {
                    Class<?> component = load(type.getComponentType());
                    return component == null ? null : component.arrayType();
                }
                if (ClassHelper.isPrimitiveType(type)) {
                    return type.getTypeClass();
                }
                if (type.isResolved() || type.redirect().isResolved()) {
                    return type.redirect().getTypeClass();
                }
                return Class.forName(type.getName(), false, Sandbox.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                return null;
            }
        }
    }
}
