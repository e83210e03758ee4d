package dev.originality.measure;

import dev.originality.measure.dreamsim.TorchCheckpointFuzzTest;
import dev.originality.measure.dreamsim.TorchPickleFuzzTest;
import dev.originality.shapes.fuzz.FuzzRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

/**
 * Real (coverage-guided) fuzzing of this module's readers, one child JVM per target: the short run
 * of every build ({@code fuzz.seconds}, 8 s by default). See {@link FuzzRun} for the settings and
 * {@code bench/fuzz.sh} for the long run.
 */
@Tag("fuzz")
class FuzzRunTest {
    static Stream<Class<?>> targets() {
        return Stream.<Class<?>>of(TorchPickleFuzzTest.class, TorchCheckpointFuzzTest.class).filter(FuzzRun::selected);
    }

    @ParameterizedTest
    @MethodSource("targets")
    void fuzz(Class<?> target) throws Exception {
        FuzzRun.runClean(target);
    }
}
