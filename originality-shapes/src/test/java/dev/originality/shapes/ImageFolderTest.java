package dev.originality.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageFolderTest {
    @TempDir Path tmp;

    private DatasetStats write(Path out, long seed, int count, boolean overwrite) throws Exception {
        SceneSampler s = new SceneSampler(Presets.get("span-60"), 64);
        return ImageFolder.write(out, overwrite, count, 64, i -> s.trainingScene(seed, i),
                new ObjectMapper().createObjectNode().put("seed", seed), n -> { });
    }

    @Test
    void sameSeedGivesByteIdenticalFolders() throws Exception {
        write(tmp.resolve("a"), 5, 300, false);
        write(tmp.resolve("b"), 5, 300, false);
        write(tmp.resolve("c"), 6, 300, false);
        assertThat(Files.readAllBytes(tmp.resolve("a/metadata.jsonl"))).isEqualTo(Files.readAllBytes(tmp.resolve("b/metadata.jsonl")));
        assertThat(Files.readAllBytes(tmp.resolve("a/metadata.jsonl"))).isNotEqualTo(Files.readAllBytes(tmp.resolve("c/metadata.jsonl")));
        for (int i = 0; i < 300; i++) {
            String f = ImageFolder.fileName(i);
            assertThat(Files.readAllBytes(tmp.resolve("a").resolve(f))).isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(f)));
        }
    }

    @Test
    void writtenFolderReadsBackWithGroundTruth() throws Exception {
        Path out = tmp.resolve("ds");
        DatasetStats stats = write(out, 8, 400, false);
        List<ImageRecord> recs = ImageFolder.read(out);
        assertThat(recs).hasSize(400);
        SceneSampler s = new SceneSampler(Presets.get("span-60"), 64);
        for (int i = 0; i < recs.size(); i++) {
            ImageRecord r = recs.get(i);
            Scene scene = s.trainingScene(8, i);
            assertThat(r.text()).isEqualTo(scene.caption());
            assertThat(Caption.parse(r.text())).containsExactlyElementsOf(r.elementList());
            assertThat(r.elementList()).doesNotContainAnyElementsOf(Presets.get("span-60").heldOut());
            for (int k = 0; k < r.elements().size(); k++) {
                assertThat(r.elements().get(k).bbox()).containsExactly(scene.elements().get(k).bbox());
            }
            BufferedImage img = ImageIO.read(out.resolve(r.fileName()).toFile());
            assertThat(img.getWidth()).isEqualTo(64);
        }
        JsonNode info = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
        assertThat(info.path("count").asInt()).isEqualTo(400);
        assertThat(info.path("stats").path("groups").path("empty").asLong()).isEqualTo(stats.group("empty"));
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ds");  // no staging left behind
        }
    }

    @Test
    void refusesANonEmptyFolderWithoutOverwriteAndLeavesItUntouched() throws Exception {
        Path out = tmp.resolve("ds");
        write(out, 1, 20, false);
        byte[] before = Files.readAllBytes(out.resolve("metadata.jsonl"));
        assertThatThrownBy(() -> write(out, 2, 20, false)).hasMessageContaining("exists and is not empty");
        assertThat(Files.readAllBytes(out.resolve("metadata.jsonl"))).isEqualTo(before);
        write(out, 2, 20, true);
        assertThat(Files.readAllBytes(out.resolve("metadata.jsonl"))).isNotEqualTo(before);
    }

    @Test
    void malformedMetadataNamesTheLine() throws Exception {
        Path out = tmp.resolve("bad");
        Files.createDirectories(out);
        Files.writeString(out.resolve("metadata.jsonl"), "{\"file_name\": \"a.png\", \"text\": \"\"}\n{oops\n");
        assertThatThrownBy(() -> ImageFolder.read(out)).hasMessageContaining("line 2");
        assertThatThrownBy(() -> ImageFolder.read(tmp)).hasMessageContaining("expected metadata.jsonl");
        Files.writeString(out.resolve("metadata.jsonl"), "{\"file_name\": \"../../etc/passwd\", \"text\": \"\"}\n");
        assertThatThrownBy(() -> ImageFolder.read(out)).hasMessageContaining("outside the folder");
        // Found by fuzzing: invalid UTF-8 leaked a MalformedInputException ("Input length = 1").
        Files.write(out.resolve("metadata.jsonl"), new byte[] {'{', '}', '\n', '{', (byte) 0xC3, '}', '\n'});
        assertThatThrownBy(() -> ImageFolder.read(out)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(out.resolve("metadata.jsonl") + ": expected UTF-8 text, found invalid bytes");
        // Found by fuzzing: an unknown caption word did not say which file and line.
        Files.writeString(out.resolve("metadata.jsonl"), "{\"file_name\": \"a.png\", \"text\": \"a big purple circle\"}\n");
        assertThatThrownBy(() -> ImageFolder.read(out)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(out.resolve("metadata.jsonl") + " line 1: ");
    }
}
