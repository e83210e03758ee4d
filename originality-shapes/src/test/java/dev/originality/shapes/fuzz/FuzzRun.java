package dev.originality.shapes.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs one Jazzer fuzz target (a public class with {@code static void fuzzerTestOneInput(byte[])})
 * in a child JVM with coverage instrumentation of our code ({@code dev.originality.**}).
 *
 * <p>Why a child JVM: jazzer-junit's {@code @FuzzTest} only replays the seed inputs unless
 * {@code JAZZER_FUZZ} is set, and then it fuzzes one test per JVM. A child JVM per target gives a
 * real, bounded fuzzing run inside {@code ./mvnw verify}, and a tight heap (-Xmx512m) turns any
 * allocation that is out of proportion to the (≤ 4 KiB) inputs into an OutOfMemoryError finding.
 *
 * <p>Settings (system properties, passed through by surefire):
 * <ul>
 *   <li>{@code fuzz.seconds} — wall-clock budget per target, default 8 (the short CI run); 0 = none</li>
 *   <li>{@code fuzz.runs} — executions per target, default unlimited (then the time bounds it)</li>
 *   <li>{@code fuzz.target} — run only the target with this simple class name</li>
 *   <li>{@code fuzz.timeout} — seconds one input may take before it counts as a hang, default 60</li>
 * </ul>
 * The long run is {@code bench/fuzz.sh [TARGET] [RUNS]} (1,000,000 executions per target by default).
 * Findings (crashing inputs) are written to {@code target/fuzz/<Target>/}; the new corpus to
 * {@code target/fuzz/<Target>/corpus} (copy interesting ones to the seeds directory).
 */
public final class FuzzRun {
    /** The outcome of one run; {@code findings} are the crash/timeout/OOM files libFuzzer wrote. */
    public record Result(String target, int exitCode, long executions, long execPerSecond, double seconds,
                         List<Path> findings, String output) {
        public boolean clean() {
            return exitCode == 0 && findings.isEmpty();
        }

        public String summary() {
            return String.format("%s: %,d executions in %.1f s (%,d exec/s), exit %d, %d findings",
                    target, executions, seconds, execPerSecond, exitCode, findings.size());
        }
    }

    /**
     * Jazzer hooks left out. RegexRoadblocks reports every step of every regex match to guide the
     * fuzzer through patterns, allocating as it goes: with it, a 1.3 KB prompt made the tokenizer
     * "allocate" 17.4 MB against 157 KB of its own, so {@link Allocation}'s bound measured the
     * fuzzer. Our patterns are constants over the input text (RegexInjection, which watches patterns
     * built from input, stays on). The root pom sets the same for the seed replay in surefire.
     */
    static final String DISABLED_HOOKS = "com.code_intelligence.jazzer.sanitizers.RegexRoadblocks";

    /** Jazzer's line for a seed folder without files. */
    private static final Pattern NO_SEEDS = Pattern.compile("INFO: +0 files found in (\\S+Inputs/\\S+)");
    private static final Pattern EXECUTED = Pattern.compile("stat::number_of_executed_units: (\\d+)");
    private static final Pattern PER_SEC = Pattern.compile("stat::average_exec_per_sec: +(\\d+)");

    private FuzzRun() {}

    public static int seconds() {
        return Integer.getInteger("fuzz.seconds", 8);
    }

    /** True when {@code fuzz.target} is unset or names {@code target}. */
    public static boolean selected(Class<?> target) {
        String only = System.getProperty("fuzz.target", "");
        return only.isBlank() || only.equals(target.getSimpleName());
    }

    /**
     * Fuzzes {@code target}. Jazzer itself adds the seeds: the resource directory
     * {@code <Target>Inputs/} beside the class (the same inputs jazzer-junit replays as regression
     * tests). Work files go to {@code workRoot/<Target>/}.
     */
    /** Runs a target under target/fuzz and fails unless it ran clean and executed at least one input (the check of every module's FuzzRunTest). */
    public static void runClean(Class<?> target) throws IOException, InterruptedException {
        Result r = run(target, Path.of("target/fuzz"));
        System.out.println(r.summary());
        if (!r.clean()) throw new AssertionError(r.summary() + "; findings " + r.findings() + "\n" + tail(r.output(), 40));
        if (r.executions() <= 0) throw new AssertionError("no executions, seeds included: " + r.summary());
        Matcher empty = NO_SEEDS.matcher(r.output());
        if (empty.find()) {
            // Jazzer reads seeds from <Target>Inputs/<fuzz test method>/ only; files beside that folder are replayed
            // by jazzer-junit but never fuzzed from (the pickle and checkpoint targets ran seedless that way).
            throw new AssertionError(r.target() + ": no seed inputs in " + empty.group(1) + "; put them there");
        }
    }

    public static Result run(Class<?> target, Path workRoot) throws IOException, InterruptedException {
        Path work = workRoot.resolve(target.getSimpleName()).toAbsolutePath();
        Path corpus = work.resolve("corpus");
        Files.createDirectories(corpus);
        try (Stream<Path> old = Files.list(work)) { // findings of an earlier run are not this run's
            for (Path p : (Iterable<Path>) old::iterator) if (isFinding(p)) Files.delete(p);
        }
        long runs = Long.getLong("fuzz.runs", -1);
        int seconds = seconds();

        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Xss4m", "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + work, "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"),
                "com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + target.getName(),
                "--instrumentation_includes=dev.originality.**",
                "--disabled_hooks=" + DISABLED_HOOKS,
                "--reproducer_path=" + work,
                "-artifact_prefix=" + work + "/",
                "-runs=" + runs,
                // A fixed seed keeps the build's short run repeatable (the long run in bench/fuzz.sh may set another).
                "-seed=" + Integer.getInteger("fuzz.seed", 1),
                "-max_total_time=" + seconds,
                "-timeout=" + Integer.getInteger("fuzz.timeout", 60), // seconds per input: slower is a hang finding
                "-rss_limit_mb=3072",
                "-print_final_stats=1",
                corpus.toString()));

        Path log = work.resolve("fuzz.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().remove("JAZZER_FUZZ");
        long start = System.nanoTime();
        Process p = pb.start();
        Thread reaper = new Thread(p::destroyForcibly); // a killed test JVM must not leave the fuzzer running
        Runtime.getRuntime().addShutdownHook(reaper);
        long limit = seconds > 0 ? seconds + 600L : Long.MAX_VALUE / 2; // startup on a busy machine, a last slow input
        if (!p.waitFor(limit, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException(target.getSimpleName() + ": fuzzer did not stop within " + limit + " s; see " + log);
        }
        Runtime.getRuntime().removeShutdownHook(reaper);
        double elapsed = (System.nanoTime() - start) / 1e9;
        String out = Files.readString(log, StandardCharsets.ISO_8859_1);
        List<Path> findings = new ArrayList<>();
        try (Stream<Path> files = Files.list(work)) {
            files.filter(FuzzRun::isFinding).sorted().forEach(findings::add);
        }
        return new Result(target.getSimpleName(), p.exitValue(), stat(EXECUTED, out), stat(PER_SEC, out), elapsed,
                findings, out);
    }

    private static boolean isFinding(Path p) {
        String n = p.getFileName().toString();
        return n.startsWith("crash-") || n.startsWith("timeout-") || n.startsWith("oom-") || n.startsWith("leak-")
                || n.startsWith("slow-unit-") || n.startsWith("Crash_");
    }

    private static long stat(Pattern p, String out) {
        Matcher m = p.matcher(out);
        long v = -1;
        while (m.find()) v = Long.parseLong(m.group(1));
        return v;
    }

    /** The end of the fuzzer's output, for failure messages. */
    public static String tail(String out, int lines) {
        String[] all = out.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }
}
