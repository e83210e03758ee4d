package dev.originality.diffusion.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.originality.shapes.fuzz.Allocation;

import java.io.IOException;

/**
 * Fuzz target (property): whatever JSON we read, {@link PythonJson} writes text that reads back
 * to the same tree (Python writes NaN/Infinity, so the re-read allows them). Seeds:
 * PythonJsonFuzzTestInputs/; long run: {@code bench/fuzz.sh PythonJsonFuzzTest}.
 */
public class PythonJsonFuzzTest {
    private static final JsonMapper STRICT = new JsonMapper();
    private static final JsonMapper PYTHON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** The heap one execution may allocate ({@link Allocation}): the input and a copy, plus jackson buffers and the node tree.. */
    static final Allocation.Bound ALLOCATION = new Allocation.Bound("PythonJsonFuzzTest", 2, 4L << 20);

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Allocation.bounded(data, ALLOCATION, PythonJsonFuzzTest::readOne);
    }

    private static void readOne(byte[] data) {
        JsonNode node;
        try {
            node = STRICT.readTree(data);
        } catch (java.io.IOException e) {
            return; // not JSON: nothing to write
        }
        if (node == null || node.isMissingNode()) return;
        for (boolean ascii : new boolean[] {true, false}) {
            String text = PythonJson.dumps(node, ascii);
            JsonNode again;
            try {
                again = PYTHON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new AssertionError("PythonJson wrote unreadable JSON " + text + " for " + node, e);
            }
            if (!numericEquals(node, again)) throw new AssertionError("round trip changed " + node + " into " + again);
        }
    }

    /** Tree equality with numbers compared by value (1.0 may come back as 1.0 written "1.0"; 1e400 as Infinity). */
    private static boolean numericEquals(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            if (a.isIntegralNumber()) return b.isIntegralNumber() && a.bigIntegerValue().equals(b.bigIntegerValue());
            return Double.compare(a.doubleValue(), b.doubleValue()) == 0;
        }
        if (a.getNodeType() != b.getNodeType() || a.size() != b.size()) return false;
        if (a.isObject()) {
            for (var it = a.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!b.has(e.getKey()) || !numericEquals(e.getValue(), b.get(e.getKey()))) return false;
            }
            return true;
        }
        if (a.isArray()) {
            for (int i = 0; i < a.size(); i++) if (!numericEquals(a.get(i), b.get(i))) return false;
            return true;
        }
        return a.equals(b);
    }

    @FuzzTest
    void pythonJson(byte[] data) throws IOException {
        fuzzerTestOneInput(data);
    }
}
