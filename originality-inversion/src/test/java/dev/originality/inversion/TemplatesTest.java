package dev.originality.inversion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplatesTest {
    @Test
    void namedListsHoldThePapersTemplates() throws Exception {
        assertThat(Templates.resolve("art")).hasSize(20).allMatch(t -> t.contains("{}"))
                .contains("the artwork {} in full detail", "an archival photograph of the artwork {}");
        assertThat(Templates.resolve("object")).contains("a photo of a {}").allMatch(t -> t.contains("{}"));
        assertThat(Templates.fill("a museum display of {}", "<s*1> <s*2>")).isEqualTo("a museum display of <s*1> <s*2>");
    }

    @Test
    void aFileHoldsOneTemplatePerLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "# mine\na sketch of {}\n\n  an old photo of {}  \n");
        assertThat(Templates.resolve(f.toString())).containsExactly("a sketch of {}", "an old photo of {}");
        Files.writeString(f, "a sketch of {}\nno placeholder here\n");
        assertThatThrownBy(() -> Templates.resolve(f.toString())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2").hasMessageContaining("no placeholder here");
        assertThatThrownBy(() -> Templates.resolve(dir.resolve("none.txt").toString())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected synthetic, object, art or a text file");
    }
}
