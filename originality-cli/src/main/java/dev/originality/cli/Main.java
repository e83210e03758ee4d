package dev.originality.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `originality` command. Library code throws; only this class turns errors into exit codes. */
@Command(name = "originality", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Measure how original an image is with respect to a text-to-image diffusion model.",
        subcommands = {DemoCommand.class, DatasetCommand.class, QueriesCommand.class, TrainCommand.class, GenerateCommand.class,
                InvertCommand.class, ScoreCommand.class, AgreeCommand.class, StudyCommand.class, DetectCommand.class, TrainDetectorCommand.class, EvaluateModelCommand.class,
                DreamSimCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    /** Bad input: one line on stderr, this exit code (picocli uses the same for bad options). */
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs with the given streams (tests capture them). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof UserError) {
                cmd.getErr().println("originality " + cmd.getCommandName() + ": " + ex.getMessage());
                return EXIT_USAGE;
            }
            if (System.getenv("ORIGINALITY_DEBUG") != null) throw ex;
            cmd.getErr().println("originality " + cmd.getCommandName() + ": failed: " + ex
                    + " (set ORIGINALITY_DEBUG=1 for the stack trace)");
            return 1;
        });
        cl.setParameterExceptionHandler((ex, argv) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("originality " + cmd.getCommandName() + ": " + ex.getMessage()
                    + " (see 'originality " + cmd.getCommandName() + " --help')");
            return EXIT_USAGE;
        });
        return cl.execute(args);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"originality " + dev.originality.shapes.Version.VERSION};
        }
    }
}
