package dev.originality.diffusion.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.originality.diffusion.io.BoundedFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Hugging Face tokenizer folder: vocab.json ({token: id}), merges.txt ("#version" header
 * line, then one "first second" merge per line in rank order), tokenizer_config.json and
 * special_tokens_map.json (optional on load), added_tokens.json (only with added tokens).
 */
final class ClipTokenizerFiles {
    static final String VOCAB = "vocab.json", MERGES = "merges.txt", CONFIG = "tokenizer_config.json",
            SPECIAL_TOKENS = "special_tokens_map.json", ADDED_TOKENS = "added_tokens.json";
    static final String MERGES_HEADER = "#version: 0.2";
    /** transformers' CLIPTokenizer reads at most 49152 - 256 - 2 merges (the rest of OpenAI's file is unused). */
    static final int MAX_MERGES = 49152 - 256 - 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClipTokenizerFiles() {}

    // ---- load ----

    static ClipTokenizer load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("tokenizer folder '" + dir + "' does not exist or is not a folder; expected "
                    + VOCAB + " and " + MERGES + " in it");
        }
        Map<String, Integer> vocab = readVocab(dir.resolve(VOCAB));
        List<Bpe.Merge> merges = readMerges(dir.resolve(MERGES), vocab);
        JsonNode tokenizerConfig = readOptionalJson(dir.resolve(CONFIG));
        JsonNode specialTokens = readOptionalJson(dir.resolve(SPECIAL_TOKENS));
        ClipTokenizerConfig config = config(tokenizerConfig, specialTokens, dir);
        List<String> added = addedTokens(tokenizerConfig, readOptionalJson(dir.resolve(ADDED_TOKENS)), vocab, dir);
        try {
            return new ClipTokenizer(vocab, new Bpe(merges), config, added);
        } catch (IllegalArgumentException e) {
            // The files parse but do not fit together (e.g. a special token missing from vocab.json): say which folder.
            throw new IllegalArgumentException("tokenizer '" + dir + "': " + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> readVocab(Path file) throws IOException {
        String expected = "expected a JSON object {token: id} with ids 0..n-1";
        JsonNode root = readJson(file, expected);
        if (root == null) throw new IllegalArgumentException("tokenizer file '" + file + "' is missing; " + expected);
        if (!root.isObject() || root.isEmpty()) throw new IllegalArgumentException("tokenizer file '" + file + "': " + expected + ", found " + describe(root));
        Map<String, Integer> vocab = new LinkedHashMap<>();
        String[] byId = new String[root.size()];
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode id = e.getValue();
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0 || id.intValue() >= byId.length) {
                throw new IllegalArgumentException("tokenizer file '" + file + "': token '" + e.getKey() + "' has id " + id
                        + ", expected an integer in 0.." + (byId.length - 1));
            }
            if (byId[id.intValue()] != null) {
                throw new IllegalArgumentException("tokenizer file '" + file + "': tokens '" + byId[id.intValue()] + "' and '"
                        + e.getKey() + "' share id " + id + "; " + expected);
            }
            byId[id.intValue()] = e.getKey();
            vocab.put(e.getKey(), id.intValue());
        }
        return vocab;
    }

    private static List<Bpe.Merge> readMerges(Path file, Map<String, Integer> vocab) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("tokenizer file '" + file + "' is missing; expected a '" + MERGES_HEADER
                    + "' line followed by one merge \"first second\" per line");
        }
        String[] lines = readUtf8(file).strip().split("\n");
        if (!lines[0].startsWith("#version")) {
            throw new IllegalArgumentException("tokenizer file '" + file + "': expected a first line '" + MERGES_HEADER
                    + "', found '" + abbreviate(lines[0]) + "'");
        }
        List<Bpe.Merge> merges = new ArrayList<>();
        for (int i = 1; i < lines.length && merges.size() < MAX_MERGES; i++) {
            String where = "tokenizer file '" + file + "' line " + (i + 1);
            String[] parts = lines[i].strip().split("\\s+");
            if (parts.length != 2 || parts[0].isEmpty()) {
                throw new IllegalArgumentException(where + ": expected two symbols separated by a space, found '" + abbreviate(lines[i]) + "'");
            }
            Bpe.Merge merge = new Bpe.Merge(parts[0], parts[1]);
            for (String symbol : List.of(merge.first(), merge.second(), merge.joined())) {
                if (!vocab.containsKey(symbol)) {
                    throw new IllegalArgumentException(where + " ('" + lines[i].strip() + "'): symbol '" + symbol
                            + "' is not in " + VOCAB + "; every merge's symbols and their concatenation must be vocabulary tokens");
                }
            }
            merges.add(merge);
        }
        return merges;
    }

    /** Special tokens from special_tokens_map.json over tokenizer_config.json over CLIP's defaults, as transformers resolves them. */
    private static ClipTokenizerConfig config(JsonNode tokenizerConfig, JsonNode specialTokens, Path dir) {
        ClipTokenizerConfig d = ClipTokenizerConfig.CLIP;
        int maxLength = d.maxLength();
        JsonNode max = tokenizerConfig == null ? null : tokenizerConfig.get("model_max_length");
        // transformers writes int(1e30) for "no limit"; CLIP's text encoder then still has 77 positions.
        if (max != null && !max.isNull() && !(max.isIntegralNumber() && !max.canConvertToInt())) {
            if (!max.isIntegralNumber()) {
                throw new IllegalArgumentException("tokenizer file '" + dir.resolve(CONFIG) + "': expected model_max_length to be an integer, found " + max);
            }
            maxLength = max.intValue();
        }
        String bos = token("bos_token", d.bosToken(), tokenizerConfig, specialTokens, dir);
        String eos = token("eos_token", d.eosToken(), tokenizerConfig, specialTokens, dir);
        String pad = token("pad_token", d.padToken(), tokenizerConfig, specialTokens, dir);
        String unk = token("unk_token", d.unkToken(), tokenizerConfig, specialTokens, dir);
        try {
            return new ClipTokenizerConfig(maxLength, bos, eos, pad, unk);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tokenizer folder '" + dir + "': " + e.getMessage(), e);
        }
    }

    private static String token(String key, String fallback, JsonNode tokenizerConfig, JsonNode specialTokens, Path dir) {
        String fromMap = tokenContent(specialTokens, key, dir.resolve(SPECIAL_TOKENS));
        if (fromMap != null) return fromMap;
        String fromConfig = tokenContent(tokenizerConfig, key, dir.resolve(CONFIG));
        return fromConfig != null ? fromConfig : fallback;
    }

    /** A token given as "text" or as {"content": "text", ...}; null when absent. */
    private static String tokenContent(JsonNode node, String key, Path file) {
        JsonNode v = node == null ? null : node.get(key);
        if (v == null || v.isNull()) return null;
        if (v.isTextual()) return v.textValue();
        if (v.isObject() && v.path("content").isTextual()) return v.get("content").textValue();
        throw new IllegalArgumentException("tokenizer file '" + file + "': expected " + key
                + " to be a string or an object with a \"content\" string, found " + abbreviate(v.toString()));
    }

    /** Tokens with ids past the vocabulary, from added_tokens_decoder and added_tokens.json; they must be contiguous. */
    private static List<String> addedTokens(JsonNode tokenizerConfig, JsonNode addedTokensJson, Map<String, Integer> vocab, Path dir) {
        TreeMap<Integer, String> byId = new TreeMap<>();
        JsonNode decoder = tokenizerConfig == null ? null : tokenizerConfig.get("added_tokens_decoder");
        Path configFile = dir.resolve(CONFIG);
        if (decoder != null && decoder.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = decoder.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("tokenizer file '" + configFile + "': added_tokens_decoder key '" + e.getKey() + "' is not an integer id");
                }
                String content = tokenContent(e.getValue().isObject() ? e.getValue() : null, "content", configFile);
                if (content == null) throw new IllegalArgumentException("tokenizer file '" + configFile + "': added_tokens_decoder entry " + id + " has no \"content\" string");
                putAdded(byId, id, content, vocab, configFile);
            }
        }
        Path addedFile = dir.resolve(ADDED_TOKENS);
        if (addedTokensJson != null) {
            if (!addedTokensJson.isObject()) throw new IllegalArgumentException("tokenizer file '" + addedFile + "': expected a JSON object {token: id}, found " + describe(addedTokensJson));
            for (Iterator<Map.Entry<String, JsonNode>> it = addedTokensJson.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().canConvertToInt()) throw new IllegalArgumentException("tokenizer file '" + addedFile + "': token '" + e.getKey() + "' has id " + e.getValue() + ", expected an integer");
                putAdded(byId, e.getValue().intValue(), e.getKey(), vocab, addedFile);
            }
        }
        List<String> added = new ArrayList<>();
        for (Map.Entry<Integer, String> e : byId.entrySet()) {
            int expectedId = vocab.size() + added.size();
            if (e.getKey() != expectedId) {
                throw new IllegalArgumentException("tokenizer folder '" + dir + "': added token '" + e.getValue() + "' has id " + e.getKey()
                        + ", expected the next id after the vocabulary and earlier added tokens, " + expectedId);
            }
            added.add(e.getValue());
        }
        return added;
    }

    private static void putAdded(TreeMap<Integer, String> byId, int id, String content, Map<String, Integer> vocab, Path file) {
        if (id < vocab.size()) {
            if (!Integer.valueOf(id).equals(vocab.get(content))) {
                throw new IllegalArgumentException("tokenizer file '" + file + "': token '" + content + "' has id " + id + " but "
                        + VOCAB + " gives it " + (vocab.containsKey(content) ? "id " + vocab.get(content) : "no id"));
            }
            return;
        }
        String previous = byId.putIfAbsent(id, content);
        if (previous != null && !previous.equals(content)) {
            throw new IllegalArgumentException("tokenizer file '" + file + "': id " + id + " is given to both '" + previous + "' and '" + content + "'");
        }
    }

    private static JsonNode readOptionalJson(Path file) throws IOException {
        return readJson(file, "expected a JSON object");
    }

    /** The parsed file, or null when it does not exist. */
    private static JsonNode readJson(Path file, String expected) throws IOException {
        if (!Files.isRegularFile(file)) return null;
        try {
            return JSON.readTree(readUtf8(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("tokenizer file '" + file + "': " + expected + ", but it is not valid JSON ("
                    + e.getOriginalMessage() + ")");
        }
    }

    private static String readUtf8(Path file) throws IOException {
        return BoundedFiles.readUtf8(file, BoundedFiles.MAX_TOKENIZER_FILE_BYTES, "tokenizer file");
    }

    private static String describe(JsonNode node) {
        return node.isObject() ? "an empty object" : node.getNodeType().toString().toLowerCase() + " " + abbreviate(node.toString());
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    // ---- save ----

    static void save(ClipTokenizer tokenizer, Path dir) throws IOException {
        Files.createDirectories(dir);
        ClipTokenizerConfig c = tokenizer.config();
        writeAtomically(dir.resolve(VOCAB), pythonJson(tokenizer.vocab()));
        StringBuilder merges = new StringBuilder(MERGES_HEADER).append('\n');
        for (Bpe.Merge m : tokenizer.merges()) merges.append(m.first()).append(' ').append(m.second()).append('\n');
        writeAtomically(dir.resolve(MERGES), merges.toString());
        writeAtomically(dir.resolve(CONFIG), pythonJson(tokenizerConfig(tokenizer)));

        Map<String, Object> special = new LinkedHashMap<>();
        special.put("bos_token", addedToken(c.bosToken(), null));
        special.put("eos_token", addedToken(c.eosToken(), null));
        special.put("pad_token", c.padToken()); // transformers keeps pad_token as the plain string CLIP was given
        special.put("unk_token", addedToken(c.unkToken(), null));
        writeAtomically(dir.resolve(SPECIAL_TOKENS), pythonJson(special));

        Path addedFile = dir.resolve(ADDED_TOKENS);
        if (tokenizer.addedTokens().isEmpty()) {
            Files.deleteIfExists(addedFile);
        } else {
            Map<String, Object> added = new LinkedHashMap<>();
            for (int i = 0; i < tokenizer.addedTokens().size(); i++) added.put(tokenizer.addedTokens().get(i), tokenizer.addedTokenIds().get(i));
            writeAtomically(addedFile, pythonJson(added));
        }
    }

    private static Map<String, Object> tokenizerConfig(ClipTokenizer t) {
        ClipTokenizerConfig c = t.config();
        Map<String, Object> decoder = new LinkedHashMap<>();
        for (String special : List.of(c.bosToken(), c.eosToken(), c.padToken(), c.unkToken())) {
            decoder.put(String.valueOf(t.tokenId(special)), addedToken(special, true));
        }
        for (int i = 0; i < t.addedTokens().size(); i++) {
            decoder.put(String.valueOf(t.addedTokenIds().get(i)), addedToken(t.addedTokens().get(i), false));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("added_tokens_decoder", decoder);
        config.put("bos_token", c.bosToken());
        config.put("clean_up_tokenization_spaces", true);
        config.put("eos_token", c.eosToken());
        config.put("errors", "replace");
        config.put("model_max_length", c.maxLength());
        config.put("pad_token", c.padToken());
        config.put("tokenizer_class", "CLIPTokenizer");
        config.put("unk_token", c.unkToken());
        return config;
    }

    /** transformers' AddedToken fields; {@code special} is written only in added_tokens_decoder. */
    private static Map<String, Object> addedToken(String content, Boolean special) {
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("content", content);
        token.put("lstrip", false);
        token.put("normalized", true);
        token.put("rstrip", false);
        token.put("single_word", false);
        if (special != null) token.put("special", special);
        return token;
    }

    /** Writes next to the target and renames, so a failure never leaves a half-written file. */
    private static void writeAtomically(Path target, String content) throws IOException {
        dev.originality.diffusion.io.AtomicFiles.writeString(target, content);
    }

    /** Python's json.dumps(indent=2, sort_keys=True, ensure_ascii=False) + "\n", as transformers saves tokenizers. */
    private static String pythonJson(Object value) {
        var node = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(value);
        return new String(dev.originality.diffusion.io.PythonJson.file((com.fasterxml.jackson.databind.JsonNode) node, false),
                StandardCharsets.UTF_8);
    }
}
