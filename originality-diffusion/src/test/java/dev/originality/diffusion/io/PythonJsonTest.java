package dev.originality.diffusion.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PythonJsonTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Expected strings are CPython 3.11's repr() of the same doubles. */
    @Test
    void floatsAsPythonReprs() {
        double[] values = {0.00085, 0.012, 1e-05, 0.0001, 1e16, 1e15, 0.1 + 0.2, 1.0, -0.0, 0.18215, 123456789.0, 1.5e-07,
                Double.MIN_VALUE, Double.MAX_VALUE, 1e22, 0.995, 9.999999999999999e-05, 12345678901234567.0, Math.pow(0.5, 30)};
        String[] python = {"0.00085", "0.012", "1e-05", "0.0001", "1e+16", "1000000000000000.0", "0.30000000000000004", "1.0", "-0.0",
                "0.18215", "123456789.0", "1.5e-07", "5e-324", "1.7976931348623157e+308", "1e+22", "0.995", "9.999999999999999e-05",
                "1.2345678901234568e+16", "9.313225746154785e-10"};
        for (int i = 0; i < values.length; i++) assertThat(PythonJson.floatRepr(values[i])).as("%s", values[i]).isEqualTo(python[i]);
        assertThat(PythonJson.floatRepr(Double.NaN)).isEqualTo("NaN");
        assertThat(PythonJson.floatRepr(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    }

    /** Code-point key order and ensure_ascii escapes, as json.dumps(..., indent=2, sort_keys=True) printed them. */
    @Test
    void sortsAndEscapesLikePython() throws IOException {
        JsonNode node = JSON.readTree("{\"b\":[],\"a\":{},\"\\u00e9\":\"\\u00fc\\u007f\\u2603\\ud83d\\ude00\",\"\\ud7ff\":1,"
                + "\"\\ud83d\\ude00\":2,\"\\uffff\":3}");
        assertThat(PythonJson.dumps(node, true)).isEqualTo(String.join("\n", "{", "  \"a\": {},", "  \"b\": [],",
                "  \"\\u00e9\": \"\\u00fc\\u007f\\u2603\\ud83d\\ude00\",", "  \"\\ud7ff\": 1,", "  \"\\uffff\": 3,",
                "  \"\\ud83d\\ude00\": 2", "}"));
        assertThat(PythonJson.dumps(JSON.readTree("{\"k\":\"\\u00e9\\n\"}"), false)).isEqualTo("{\n  \"k\": \"\u00e9\\n\"\n}");
    }

    /** Every config the Python reference wrote comes back byte for byte after a parse (tokenizer files without ensure_ascii). */
    @Test
    void fixtureConfigsRoundTripByteForByte() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of("src/test/resources/fixtures"))) {
            files = walk.filter(p -> p.toString().endsWith(".json") && !p.endsWith("versions.json") && !p.endsWith("index.json"))
                    .sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(15);
        for (Path f : files) {
            byte[] original = Files.readAllBytes(f);
            boolean ascii = !f.getParent().endsWith("tokenizer");
            assertThat(new String(PythonJson.file(JSON.readTree(original), ascii), StandardCharsets.UTF_8)).as(f.toString())
                    .isEqualTo(new String(original, StandardCharsets.UTF_8));
        }
    }
}
