package dev.originality.diffusion.models;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.originality.diffusion.models.text.ClipTextConfig;
import dev.originality.diffusion.models.unet.UNetConfig;
import dev.originality.diffusion.models.vae.VaeConfig;
import dev.originality.diffusion.schedulers.SchedulerConfig;
import dev.originality.shapes.fuzz.Allocation;
import dev.originality.shapes.fuzz.Expected;
import dev.originality.shapes.fuzz.FuzzFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target: the component config readers, each given the same bytes as its file
 * (unet/config.json, vae/config.json, text_encoder/config.json, scheduler_config.json). A config
 * that reads must write back and read again to the same record. Seeds: the sd-tiny fixture
 * configs in ConfigsFuzzTestInputs/; long run: {@code bench/fuzz.sh ConfigsFuzzTest}.
 */
public class ConfigsFuzzTest {
    private static final Path DIR = FuzzFiles.tempDir("configs-fuzz");
    private static final Path FILE = DIR.resolve("config.json"), AGAIN = DIR.resolve("again.json");

    /** The heap one execution may allocate ({@link Allocation}): the input and a copy, plus parser state and the header/metadata it keeps.. */
    static final Allocation.Bound ALLOCATION = new Allocation.Bound("ConfigsFuzzTest", 2, 1L << 20);

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Allocation.bounded(data, ALLOCATION, ConfigsFuzzTest::readOne);
    }

    private static void readOne(byte[] data) throws IOException {
        Files.write(FILE, data);
        try {
            UNetConfig u = UNetConfig.read(FILE);
            u.write(AGAIN);
            same(u, UNetConfig.read(AGAIN));
        } catch (IllegalArgumentException e) {
            Expected.check(e, "config.json");
        }
        try {
            VaeConfig v = VaeConfig.read(FILE);
            v.write(AGAIN);
            same(v, VaeConfig.read(AGAIN));
        } catch (IllegalArgumentException e) {
            Expected.check(e, "config.json");
        }
        try {
            ClipTextConfig c = ClipTextConfig.read(FILE);
            c.write(AGAIN);
            same(c, ClipTextConfig.read(AGAIN));
        } catch (IllegalArgumentException e) {
            Expected.check(e, "config.json");
        }
        try {
            SchedulerConfig.read(FILE);
        } catch (IllegalArgumentException e) {
            Expected.check(e, "config.json");
        }
    }

    private static void same(Object read, Object again) {
        if (!read.equals(again)) throw new AssertionError("config changed on a write/read round trip: " + read + " vs " + again);
    }

    @FuzzTest
    void configs(byte[] data) throws IOException {
        fuzzerTestOneInput(data);
    }
}
