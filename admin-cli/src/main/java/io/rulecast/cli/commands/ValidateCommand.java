package io.rulecast.cli.commands;

import io.rulecast.cli.Inputs;
import io.rulecast.cli.Inputs.ScriptFile;
import io.rulecast.runtime.CompileException;
import io.rulecast.runtime.ScriptRuntime;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code rulecast validate FILE…}: compiles each script in the same sandbox as the job and reports
 * problems as {@code file:line:col: message}, the form editors and CI logs link to.
 */
@Command(
        name = "validate",
        description = {
            "Compile scripts in the sandbox; report errors as file:line:col: message.",
            "The language comes from the extension: .groovy or .js."
        })
public final class ValidateCommand extends BaseCommand {
    @Parameters(
            paramLabel = "FILE",
            arity = "1..*",
            converter = Inputs.ScriptConverter.class,
            description = "Rule scripts (*.groovy, *.js).")
    List<ScriptFile> files;

    @Override
    public Integer call() {
        int failed = 0;
        try (ScriptRuntime runtime = new ScriptRuntime()) {
            for (ScriptFile f : files) {
                try {
                    runtime.check(f.language(), f.text(), f.path().getFileName().toString());
                    out().println(f.path() + ": ok (" + f.language().id() + ")");
                } catch (CompileException e) {
                    failed++;
                    err().println(position(f, e) + " " + e.detail());
                }
            }
        }
        out().flush();
        err().flush();
        return failed == 0 ? 0 : 1;
    }

    /** {@code file:line:col:}, or {@code file:} when the engine gave no position. */
    static String position(ScriptFile f, CompileException e) {
        return e.line() > 0
                ? f.path() + ":" + e.line() + ":" + Math.max(1, e.column()) + ":"
                : f.path() + ":";
    }
}
