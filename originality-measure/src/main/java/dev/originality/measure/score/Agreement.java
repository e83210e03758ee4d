package dev.originality.measure.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Does a cheaper (or another) score setting change the answer? Pairs the score.json files under two
 * folders by image hash and compares their verdicts: exact, within one token, and inside the
 * reference's own 95% verdict range (the reference's rates are estimates too). Both must be scores of
 * the same model.
 *
 * @param reference  the setting trusted more (more compute, the paper's recipe)
 * @param candidate  the setting under test
 * @param pairs      one per image scored on both sides, in the reference's path order
 * @param onlyReference images scored only in the reference folder (paths)
 * @param onlyCandidate images scored only in the candidate folder (paths)
 */
public record Agreement(Side reference, Side candidate, List<Pair> pairs, List<String> onlyReference, List<String> onlyCandidate) {

    /** One folder of scores: where it is and how its scores were made. */
    public record Side(String root, String setting, double medianSeconds, double inversionSampleSteps) {}

    /** One image scored both ways. Ranks: "1".."K" as numbers, "+" as K + 1. */
    public record Pair(String name, String referenceVerdict, String candidateVerdict, int referenceRank, int candidateRank,
                       int rangeLow, int rangeHigh, double[] referenceRates, double[] candidateRates) {
        public boolean exact() { return referenceRank == candidateRank; }
        public boolean withinOne() { return Math.abs(referenceRank - candidateRank) <= 1; }
        public boolean insideRange() { return candidateRank >= rangeLow && candidateRank <= rangeHigh; }
    }

    private record Entry(String name, JsonNode json) {}

    /** Reads both folders (score.json files at any depth). */
    public static Agreement of(Path reference, Path candidate) throws IOException {
        Map<String, Entry> ref = read(reference), cand = read(candidate);
        List<Pair> pairs = new ArrayList<>();
        List<String> onlyRef = new ArrayList<>();
        for (var e : ref.entrySet()) {
            Entry c = cand.get(e.getKey());
            if (c == null) {
                onlyRef.add(e.getValue().name());
                continue;
            }
            JsonNode r = e.getValue().json(), k = c.json();
            if (!r.path("model_sha256").asText().equals(k.path("model_sha256").asText())) {
                throw new IllegalArgumentException("'" + e.getValue().name() + "' was scored with different models (sha256 "
                        + abbrev(r.path("model_sha256").asText()) + " vs " + abbrev(k.path("model_sha256").asText())
                        + "); agreement compares settings on one model");
            }
            int kMax = r.path("per_length").size();
            String rv = r.path("verdict").asText(), kv = k.path("verdict").asText();
            JsonNode range = r.path("verdict_range_ci95");                                    // absent: the verdict itself
            pairs.add(new Pair(e.getValue().name(), rv, kv, Score.verdictRank(rv, kMax), Score.verdictRank(kv, k.path("per_length").size()),
                    Score.verdictRank(range.path(0).asText(rv), kMax), Score.verdictRank(range.path(1).asText(rv), kMax), rates(r), rates(k)));
        }
        List<String> onlyCand = cand.entrySet().stream().filter(e -> !ref.containsKey(e.getKey())).map(e -> e.getValue().name()).toList();
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no image is scored in both " + reference + " (" + ref.size() + " scores) and "
                    + candidate + " (" + cand.size() + " scores): expected score.json files of the same images");
        }
        return new Agreement(side(reference, ref), side(candidate, cand), pairs, onlyRef, onlyCand);
    }

    public long exact() { return pairs.stream().filter(Pair::exact).count(); }
    public long withinOne() { return pairs.stream().filter(Pair::withinOne).count(); }
    public long insideRange() { return pairs.stream().filter(Pair::insideRange).count(); }

    /** The table (markdown): settings, one row per image, the three agreement figures. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| | folder | setting | median s a score |\n| --- | --- | --- | ---: |\n");
        for (var s : List.of(reference, candidate)) {
            b.append(String.format(Locale.ROOT, "| %s | `%s` | %s | %.0f |%n", s == reference ? "reference" : "candidate", s.root(), s.setting(),
                    s.medianSeconds()));
        }
        if (candidate.inversionSampleSteps() > 0) {
            b.append(String.format(Locale.ROOT, "%nInversion compute, reference over candidate: %.1fx%n",
                    reference.inversionSampleSteps() / candidate.inversionSampleSteps()));
        }
        b.append("\nPer length m = 1..K: the reconstruction rate (synthetic queries) or the mean DreamSim distance (real ones).\n")
                .append("\n| image | reference | 95% range | candidate | agrees | reference, m = 1..K | candidate, m = 1..K |\n")
                .append("| --- | :---: | :---: | :---: | :---: | --- | --- |\n");
        for (Pair p : pairs) {
            String range = p.rangeLow() == p.rangeHigh() ? label(p.rangeLow(), p) : label(p.rangeLow(), p) + "-" + label(p.rangeHigh(), p);
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", p.name(), p.referenceVerdict(), range,
                    p.candidateVerdict(), p.exact() ? "yes" : p.insideRange() ? "in range" : "**no**", rates(p.referenceRates()),
                    rates(p.candidateRates())));
        }
        int n = pairs.size();
        b.append(String.format(Locale.ROOT, "%nSame verdict: %d/%d (%.0f%%). Within one token: %d/%d. Inside the reference's 95%% range: %d/%d.%n",
                exact(), n, 100.0 * exact() / n, withinOne(), n, insideRange(), n));
        Map<String, long[]> groups = new LinkedHashMap<>();                // first path part → {same, all}
        for (Pair p : pairs) {
            int slash = p.name().indexOf('/');
            if (slash < 0) continue;
            long[] g = groups.computeIfAbsent(p.name().substring(0, slash), k -> new long[2]);
            g[0] += p.exact() ? 1 : 0;
            g[1]++;
        }
        if (groups.size() > 1) {
            b.append("Same verdict by group: ").append(groups.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()[0] + "/" + e.getValue()[1]).collect(Collectors.joining(", "))).append(".\n");
        }
        if (!onlyReference.isEmpty() || !onlyCandidate.isEmpty()) {
            b.append(String.format(Locale.ROOT, "Not paired: %d only in the reference, %d only in the candidate.%n", onlyReference.size(),
                    onlyCandidate.size()));
        }
        return b.toString();
    }

    public ObjectNode json() {
        ObjectNode o = ScoreFiles.JSON.createObjectNode();
        o.set("reference", ScoreFiles.JSON.valueToTree(reference));
        o.set("candidate", ScoreFiles.JSON.valueToTree(candidate));
        o.put("pairs", pairs.size());
        o.put("same_verdict", exact());
        o.put("within_one_token", withinOne());
        o.put("inside_reference_range", insideRange());
        ArrayNode rows = o.putArray("images");
        for (Pair p : pairs) {
            ObjectNode r = rows.addObject();
            r.put("image", p.name());
            r.put("reference", p.referenceVerdict());
            r.put("candidate", p.candidateVerdict());
            r.put("same", p.exact());
            r.put("inside_reference_range", p.insideRange());
            r.set("reference_rates", ScoreFiles.JSON.valueToTree(p.referenceRates()));
            r.set("candidate_rates", ScoreFiles.JSON.valueToTree(p.candidateRates()));
        }
        o.set("only_reference", ScoreFiles.JSON.valueToTree(onlyReference));
        o.set("only_candidate", ScoreFiles.JSON.valueToTree(onlyCandidate));
        return o;
    }

    /** image sha256 → its score, names relative to root, in path order. */
    private static Map<String, Entry> read(Path root) throws IOException {
        if (!Files.isDirectory(root)) throw new IllegalArgumentException("expected a folder of scores, found " + describe(root));
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.getFileName().toString().equals(ScoreFiles.SCORE)).sorted().toList();
        }
        if (files.isEmpty()) throw new IllegalArgumentException("no " + ScoreFiles.SCORE + " under " + root + ": expected the --out folder of 'score' or 'study'");
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Path f : files) {
            JsonNode j;
            try {
                j = ScoreFiles.JSON.readTree(f.toFile());
            } catch (IOException e) {
                throw new IllegalArgumentException(f + " is not a readable score (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            String sha = j.path("image_sha256").asText();
            if (sha.isEmpty() || !j.has("verdict")) throw new IllegalArgumentException(f + " is not a score: expected image_sha256 and verdict");
            String name = root.relativize(f.getParent()).toString();
            out.putIfAbsent(sha, new Entry(name.isEmpty() ? "." : name, j));
        }
        return out;
    }

    private static Side side(Path root, Map<String, Entry> scores) {
        JsonNode c = scores.values().iterator().next().json().path("config");
        JsonNode inv = c.path("inversion");
        String setting = inv.isMissingNode() ? c.toString() : setting(c, inv);
        boolean mixed = scores.values().stream().map(e -> ScoreRun.withoutMaxBatch(e.json().path("config")))   // as resume compares them
                .distinct().count() > 1;
        double[] secs = scores.values().stream().mapToDouble(e -> e.json().path("seconds").path("total").asDouble(Double.NaN))
                .filter(Double::isFinite).sorted().toArray();
        double median = secs.length == 0 ? Double.NaN : (secs[(secs.length - 1) / 2] + secs[secs.length / 2]) / 2;
        return new Side(root.toString(), mixed ? setting + " (and others)" : setting, median,
                (double) inv.path("steps").asInt() * inv.path("batch").asInt());
    }

    /** "inversion 800 x 5 at lr 0.01, 10 samples x 25 ddim steps", the search options that are on named after the lr. */
    private static String setting(JsonNode c, JsonNode inv) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "inversion %d x %d at lr %s", inv.path("steps").asInt(),
                inv.path("batch").asInt(), inv.path("lr").asText()));
        if (inv.path("restarts").asInt() > 0) b.append(", ").append(inv.path("restarts").asInt()).append(" restart(s)");
        if (inv.path("timestepWindow").asInt() > 1) b.append(", timestep window ").append(inv.path("timestepWindow").asInt());
        if (inv.path("initNoise").asDouble() > 0) b.append(", init noise ").append(inv.path("initNoise").asDouble());
        return b.append(String.format(Locale.ROOT, ", %d samples x %d %s steps", c.path("samples").asInt(), c.path("steps").asInt(),
                c.path("scheduler").asText())).toString();
    }

    private static String label(int rank, Pair p) {
        return rank == p.referenceRates().length + 1 ? "+" : Integer.toString(rank);
    }

    private static double[] rates(JsonNode score) {
        double[] r = new double[score.path("per_length").size()];
        for (int i = 0; i < r.length; i++) {
            JsonNode l = score.path("per_length").get(i);
            r[i] = l.has("reconstruction_rate") ? l.path("reconstruction_rate").asDouble() : l.path("dreamsim_mean").asDouble(Double.NaN);
        }
        return r;
    }

    private static String rates(double[] r) {
        return Arrays.stream(r).mapToObj(x -> String.format(Locale.ROOT, "%.2f", x)).collect(Collectors.joining(" "));
    }

    private static String abbrev(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    private static String describe(Path p) {
        return Files.exists(p) ? "a file, " + p : "nothing at " + p;
    }
}
