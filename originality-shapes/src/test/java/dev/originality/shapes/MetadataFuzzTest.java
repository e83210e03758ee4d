package dev.originality.shapes;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.originality.shapes.fuzz.Allocation;
import dev.originality.shapes.fuzz.Expected;
import dev.originality.shapes.fuzz.FuzzFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzz target: an imagefolder's metadata.jsonl ({@link ImageFolder#read}). Every record it returns
 * must name a file inside the folder. Seeds: MetadataFuzzTestInputs/; short run in {@link FuzzRunTest},
 * long run: {@code bench/fuzz.sh MetadataFuzzTest}.
 */
public class MetadataFuzzTest {
    private static final Path DIR = FuzzFiles.tempDir("metadata-fuzz");

    /** The heap one execution may allocate ({@link Allocation}): the input and a copy, plus parser state and the header/metadata it keeps.. */
    static final Allocation.Bound ALLOCATION = new Allocation.Bound("MetadataFuzzTest", 2, 1L << 20);

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Allocation.bounded(data, ALLOCATION, MetadataFuzzTest::readOne);
    }

    private static void readOne(byte[] data) throws IOException {
        Files.write(DIR.resolve(ImageFolder.METADATA), data);
        try {
            List<ImageRecord> records = ImageFolder.read(DIR);
            for (ImageRecord r : records) {
                if (!DIR.resolve(r.fileName()).normalize().startsWith(DIR)) throw new AssertionError("escapes the folder: " + r);
            }
        } catch (IllegalArgumentException e) {
            Expected.check(e, DIR.resolve(ImageFolder.METADATA).toString());
        }
    }

    @FuzzTest
    void metadata(byte[] data) throws IOException {
        fuzzerTestOneInput(data);
    }
}
