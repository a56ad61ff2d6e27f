package org.odegen.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** {@code odegen}: the command line of the generator and its golden model. */
@Command(name = "odegen", mixinStandardHelpOptions = true, version = "ODEGen 0.1.0",
        description = "Hardware generator and golden model for ODE-based neural networks (ODENet, rODENet) on PYNQ-Z2.",
        subcommands = {GenerateCommand.class, CosimCommand.class, NetworkCommand.class, BlockCommand.class, WeightsCommand.class, BlobCommand.class, EvaluateCommand.class,
            AgreementCommand.class, LadderCommand.class, CocotbCommand.class, ReportCommand.class})
public final class Main implements Callable<Integer> {
    /** The exit code of bad input (picocli's convention): a wrong value, an unknown option or command, a conflict. */
    public static final int USAGE_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code odegen} without a command does nothing: one line naming the commands, and the usage error's exit code. */
    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        err.println("odegen: error: no command; the commands are: "
                + String.join(", ", spec.commandLine().getSubcommands().keySet()) + " (odegen --help says what each does)");
        err.flush();
        return USAGE_ERROR;
    }

    /** Builds the command line with one-line errors for bad input: the problem, then exit code 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            PrintWriter err = line.getErr();
            if (ex instanceof java.nio.file.FileSystemException f) {
                // a file the user named that is missing, unreadable or not what it should be: bad input, said so
                err.println(line.getCommandSpec().qualifiedName() + ": error: " + fileProblem(f));
                err.flush();
                return USAGE_ERROR;
            }
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
                    || ex instanceof ArithmeticException) {
                err.println(line.getCommandSpec().qualifiedName() + ": error: " + ex.getMessage());
                err.flush();
                return ex instanceof java.io.IOException ? 1 : USAGE_ERROR;
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(ex.getCommandLine().getCommandSpec().qualifiedName() + ": error: " + problem(ex));
            err.flush();
            return USAGE_ERROR;
        });
        return cl;
    }

    /** A file error in words: which file, and why (Java's own message is the bare path). */
    static String fileProblem(java.nio.file.FileSystemException f) {
        String why = f instanceof java.nio.file.NoSuchFileException ? "no such file or folder"
                : f instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : f instanceof java.nio.file.NotDirectoryException ? "not a folder"
                : f instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
                : f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
        return (f.getFile() != null ? f.getFile() : "a file") + ": " + why
                + (f.getOtherFile() != null ? " (" + f.getOtherFile() + ")" : "");
    }

    /** picocli's message on one line, an unknown command named as such with the commands, a near name suggested. */
    static String problem(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            String near = nearest(first.replaceFirst("=.*", ""), u.getSuggestions());
            String hint = near == null ? "" : " (did you mean " + near + "?)";
            var commands = u.getCommandLine().getSubcommands().keySet();
            if (!first.startsWith("-") && !commands.isEmpty()) {
                return "unknown command '" + first + "'" + hint + "; the commands are: " + String.join(", ", commands);
            }
            String help = u.getCommandLine().getCommandSpec().qualifiedName() + " --help";
            if (first.startsWith("-")) {
                return "unknown option '" + first + "'" + hint + "; the options are in " + help;
            }
            return "unexpected argument '" + first + "'; see " + help;
        }
        return ex.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The candidate fewest edits from the name, the first on a tie; null when there is none. */
    static String nearest(String name, List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
