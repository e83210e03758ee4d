package dev.originality.measure.dreamsim;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.originality.shapes.fuzz.Allocation;
import dev.originality.shapes.fuzz.Expected;
import dev.originality.shapes.fuzz.FuzzFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;

/**
 * Fuzz target: a whole checkpoint file ({@link TorchCheckpoint#open}): zip container, byte order, pickle and storage
 * entries. A file either opens, and then its state dict's tensors can be listed and small ones read, or is refused
 * with our message naming the file. Seeds: TorchCheckpointFuzzTestInputs/checkpoint/; long run:
 * {@code bench/fuzz.sh TorchCheckpointFuzzTest}.
 */
public class TorchCheckpointFuzzTest {
    private static final Path FILE = FuzzFiles.tempDir("torch-checkpoint-fuzz").resolve("model.pth");

    /**
     * The heap one execution may allocate ({@link Allocation}): twice the file (the zip's directory and entries, read
     * at most once each and never inflated past the file's size, and strings decoded from the pickle) plus the
     * pickle reader's fixed element budget (TorchPickleFuzzTest) and 1 MiB of zip and parser state.
     */
    static final Allocation.Bound ALLOCATION = new Allocation.Bound("TorchCheckpointFuzzTest", 2, TorchPickleFuzzTest.ALLOCATION.fixed());

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Allocation.bounded(data, ALLOCATION, TorchCheckpointFuzzTest::readOne);
    }

    private static void readOne(byte[] data) throws IOException {
        Files.write(FILE, data);
        try (TorchCheckpoint c = TorchCheckpoint.open(FILE)) {
            TorchPickleFuzzTest.walk(c.root(), new IdentityHashMap<>());
            if (c.has("state_dict")) c.tensors("state_dict").forEach((k, t) -> t.shape());
        } catch (IllegalArgumentException e) {
            Expected.check(e, FILE.toString());
        }
    }

    @FuzzTest
    void checkpoint(byte[] data) throws IOException {
        fuzzerTestOneInput(data);
    }
}
