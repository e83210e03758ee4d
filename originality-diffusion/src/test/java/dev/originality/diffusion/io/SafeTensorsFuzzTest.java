package dev.originality.diffusion.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.originality.shapes.fuzz.Allocation;
import dev.originality.shapes.fuzz.Expected;
import dev.originality.shapes.fuzz.FuzzFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target: the safetensors reader ({@link SafeTensors#read}, header parsing and validation,
 * then every tensor's bytes through {@link SafeTensorsFile#raw}). Invariants on success: each
 * tensor's byte length is its element count times the dtype width, and all of them together fit
 * in the file. Seeds: SafeTensorsFuzzTestInputs/; short run in {@code FuzzRunTest}, long run:
 * {@code bench/fuzz.sh SafeTensorsFuzzTest}.
 */
public class SafeTensorsFuzzTest {
    private static final Path FILE = FuzzFiles.tempDir("safetensors-fuzz").resolve("t.safetensors");

    /** The heap one execution may allocate ({@link Allocation}): the input and a copy, plus parser state and the header/metadata it keeps.. */
    static final Allocation.Bound ALLOCATION = new Allocation.Bound("SafeTensorsFuzzTest", 2, 1L << 20);

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Allocation.bounded(data, ALLOCATION, SafeTensorsFuzzTest::readOne);
    }

    private static void readOne(byte[] data) throws IOException {
        Files.write(FILE, data);
        try {
            SafeTensorsFile f = SafeTensors.read(FILE);
            long total = 0;
            for (TensorInfo t : f.tensors().values()) {
                RawTensor raw = f.raw(t.name());
                if (raw.data().remaining() != t.elementCount() * t.dtype().width()) {
                    throw new AssertionError(t + ": read " + raw.data().remaining() + " bytes");
                }
                total += t.byteLength();
            }
            if (total > data.length) throw new AssertionError("tensors claim " + total + " bytes of a " + data.length + "-byte file");
        } catch (IllegalArgumentException e) {
            Expected.check(e, FILE.toString());
        }
    }

    @FuzzTest
    void safetensors(byte[] data) throws IOException {
        fuzzerTestOneInput(data);
    }
}
