package dev.originality.diffusion.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.originality.shapes.fuzz.Allocation;
import dev.originality.shapes.fuzz.Expected;
import dev.originality.shapes.fuzz.FuzzFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target: model_index.json ({@link DiffusersFolder#open}) in a folder with a scheduler and a
 * tokenizer component (no weights). A folder that opens lists only components whose folders
 * exist inside it. Seeds: DiffusersFolderFuzzTestInputs/; long run:
 * {@code bench/fuzz.sh DiffusersFolderFuzzTest}.
 */
public class DiffusersFolderFuzzTest {
    private static final Path DIR = folder();

    /** The heap one execution may allocate ({@link Allocation}): the input and a copy, plus parser state and the header/metadata it keeps.. */
    static final Allocation.Bound ALLOCATION = new Allocation.Bound("DiffusersFolderFuzzTest", 2, 1L << 20);

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Allocation.bounded(data, ALLOCATION, DiffusersFolderFuzzTest::readOne);
    }

    private static void readOne(byte[] data) throws IOException {
        Files.write(DIR.resolve(DiffusersFolder.MODEL_INDEX), data);
        try {
            DiffusersFolder f = DiffusersFolder.open(DIR);
            for (DiffusersFolder.Component c : f.components().values()) {
                if (!c.folder().normalize().startsWith(DIR) || !Files.isDirectory(c.folder())) {
                    throw new AssertionError("component outside the folder or missing: " + c);
                }
            }
        } catch (IllegalArgumentException e) {
            Expected.check(e, DIR.toString());
        }
    }

    private static Path folder() {
        Path dir = FuzzFiles.tempDir("model-index-fuzz");
        try {
            Files.createDirectories(dir.resolve("scheduler"));
            Files.writeString(dir.resolve("scheduler/scheduler_config.json"), "{\"_class_name\": \"PNDMScheduler\"}\n");
            Files.createDirectories(dir.resolve("tokenizer"));
            Files.writeString(dir.resolve("tokenizer/vocab.json"), "{\"a\": 0}\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }

    @FuzzTest
    void modelIndex(byte[] data) throws IOException {
        fuzzerTestOneInput(data);
    }
}
