package dev.originality.cli;

import dev.originality.diffusion.io.AtomicFiles;
import dev.originality.measure.score.Agreement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Compares the verdicts of two score runs over the same images (say, a cheap preset against a dear one). */
@Command(name = "agree", mixinStandardHelpOptions = true,
        description = "Compare the verdicts of two score or study folders image by image (paired by image hash).")
final class AgreeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REFERENCE", description = "scores to trust more (more compute, the paper's recipe)")
    Path reference;

    @Parameters(index = "1", paramLabel = "CANDIDATE", description = "scores of the setting under test")
    Path candidate;

    @Option(names = "--out", paramLabel = "DIR", description = "also write agreement.md and agreement.json here")
    Path out;

    @Override
    public Integer call() throws Exception {
        Agreement a = Agreement.of(reference, candidate);
        String md = a.markdown();
        spec.commandLine().getOut().print(md);
        spec.commandLine().getOut().flush();                          // autoflush is on println only
        if (out != null) {
            Files.createDirectories(out);
            AtomicFiles.writeString(out.resolve("agreement.md"), "# Agreement\n\n" + md);
            var json = a.json();
            json.set("provenance", Provenance.of("agree", spec.commandLine().getParseResult().originalArgs()));
            AtomicFiles.writeString(out.resolve("agreement.json"), Provenance.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        }
        return 0;
    }
}
