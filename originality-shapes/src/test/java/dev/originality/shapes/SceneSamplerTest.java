package dev.originality.shapes;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SceneSamplerTest {
    static final int N = 20_000;
    static final double CONFIDENCE = 0.999;

    @Test
    void originalityPresetHasThePapersFrequencies() {
        DatasetSpec spec = Presets.get("originality");
        SceneSampler s = new SceneSampler(spec, 64);
        DatasetStats stats = new DatasetStats();
        Set<Shape> exclusive = EnumSet.of(Shape.CIRCLE, Shape.SQUARE, Shape.TRIANGLE);
        for (int i = 0; i < N; i++) {
            Scene scene = s.trainingScene(11, i);
            stats.add(scene);
            List<Shape> shapes = scene.elementList().stream().map(Element::shape).toList();
            long pairShapes = shapes.stream().filter(exclusive::contains).count();
            switch (scene.group()) {
                case "common" -> assertThat(shapes.stream().filter(exclusive::contains).sorted().toList())
                        .containsExactly(Shape.CIRCLE, Shape.SQUARE);
                case "rare" -> assertThat(shapes.stream().filter(exclusive::contains).sorted().toList())
                        .containsExactly(Shape.CIRCLE, Shape.TRIANGLE);
                case "other" -> assertThat(pairShapes).as("image %d: at most one of circle/square/triangle", i).isLessThanOrEqualTo(1);
                case "empty" -> assertThat(shapes).isEmpty();
                default -> throw new AssertionError("unexpected group " + scene.group());
            }
            assertThat(scene.elementList()).allSatisfy(e -> {
                assertThat(e.size()).isEqualTo(Size.BIG);
                assertThat(e.texture()).isEqualTo(Texture.FULL);
            });
            assertThat(shapes.size()).isLessThanOrEqualTo(4);
        }
        assertWithin(stats.group("common"), N, 0.30);
        assertWithin(stats.group("rare"), N, 0.001);
        assertWithin(stats.group("empty"), N, 0.10);
        assertThat(stats.group("unseen")).isZero();
        assertThat(stats.shapePair(Shape.SQUARE, Shape.TRIANGLE)).as("unseen pair never appears").isZero();
        // Every image holding circle+square is a common image, and likewise for rare.
        assertThat(stats.shapePair(Shape.CIRCLE, Shape.SQUARE)).isEqualTo(stats.group("common"));
        assertThat(stats.shapePair(Shape.CIRCLE, Shape.TRIANGLE)).isEqualTo(stats.group("rare"));
    }

    @Test
    void spanPresetsNeverDrawHeldOutElementsAndHonourTheirSpan() {
        for (String preset : List.of("span-4", "span-8", "span-15", "span-30", "span-60")) {
            for (String variant : Presets.VARIANTS) {
                DatasetSpec spec = Presets.get(preset, variant);
                SceneSampler s = new SceneSampler(spec, 64);
                Set<Element> seen = new java.util.HashSet<>();
                for (int i = 0; i < 3000; i++) {
                    for (Element e : s.trainingScene(5, i).elementList()) {
                        assertThat(spec.heldOut()).as("%s/%s image %d", preset, variant, i).doesNotContain(e);
                        seen.add(e);
                    }
                }
                int size = Integer.parseInt(preset.substring(5));
                assertThat(spec.vocabulary()).hasSize(size - spec.heldOut().size());
                assertThat(seen).as("%s/%s draws its whole vocabulary", preset, variant)
                        .containsExactlyInAnyOrderElementsOf(spec.vocabulary());
            }
        }
    }

    @Test
    void span4TrainsOnBlueSquaresAndRedCircles() {
        assertThat(Presets.get("span-4").vocabulary()).containsExactlyInAnyOrder(
                Element.parse("big blue full square"), Element.parse("big red full circle"));
    }

    @Test
    void elementCountsAreUniformInOneToN() {
        SceneSampler s = new SceneSampler(Presets.get("span-60").withMaxElements(6), 64);
        long[] counts = new long[7];
        int nonEmpty = 0;
        for (int i = 0; i < N; i++) {
            Scene scene = s.trainingScene(3, i);
            counts[scene.elements().size()]++;
            if (!scene.elements().isEmpty()) nonEmpty++;
        }
        for (int k = 1; k <= 6; k++) assertWithin(counts[k], nonEmpty, 1.0 / 6);
    }

    @Test
    void elementsNeverOverlapAndStayInsideTheImage() {
        SceneSampler s = new SceneSampler(Presets.get("span-60").withMaxElements(6), 64);
        for (int i = 0; i < 2000; i++) {
            List<PlacedElement> els = s.trainingScene(9, i).elements();
            for (PlacedElement a : els) {
                double ea = a.radius() * Geometry.extentFactor(a.element().shape());
                assertThat(a.cx() - ea).isGreaterThanOrEqualTo(0);
                assertThat(a.cx() + ea).isLessThanOrEqualTo(64);
                for (PlacedElement b : els) {
                    if (a == b) continue;
                    double eb = b.radius() * Geometry.extentFactor(b.element().shape());
                    assertThat(Math.hypot(a.cx() - b.cx(), a.cy() - b.cy())).isGreaterThanOrEqualTo(ea + eb + 2.0);
                }
            }
        }
    }

    @Test
    void fixedLocationPutsTheCommonPairAtFixedPositionsAndQueriesFollow() {
        DatasetSpec spec = Presets.get("fixed-location");
        SceneSampler s = new SceneSampler(spec, 64);
        int common = 0;
        for (int i = 0; i < 2000; i++) {
            Scene scene = s.trainingScene(1, i);
            if (!scene.group().equals("common")) continue;
            common++;
            assertThat(scene.elements().get(0).cx()).isEqualTo(DatasetSpec.FIXED_CENTRES[0][0] * 64);
            assertThat(scene.elements().get(1).cy()).isEqualTo(DatasetSpec.FIXED_CENTRES[1][1] * 64);
        }
        assertThat(common).isGreaterThan(400);
        Scene q = s.queryScene(spec.pair("common"), 99, 0);
        assertThat(q.elements().get(0).cx()).isEqualTo(DatasetSpec.FIXED_CENTRES[0][0] * 64);
    }

    @Test
    void queriesHoldExactlyTheirPairAndDifferFromTrainingImages() {
        DatasetSpec spec = Presets.get("originality");
        SceneSampler s = new SceneSampler(spec, 64);
        for (String g : List.of("common", "rare", "unseen")) {
            PairRule p = spec.pair(g);
            for (int i = 0; i < 50; i++) {
                Scene q = s.queryScene(p, 1, i);
                assertThat(q.group()).isEqualTo(g);
                assertThat(q.elementList().stream().map(Element::shape).sorted().toList())
                        .containsExactlyElementsOf(List.of(p.a(), p.b()).stream().sorted().toList());
                assertThat(q).isNotEqualTo(s.trainingScene(1, i));
            }
        }
    }

    @Test
    void sameSeedSameScenesDifferentSeedDifferentScenes() {
        SceneSampler s = new SceneSampler(Presets.get("span-60"), 64);
        for (int i = 0; i < 100; i++) assertThat(s.trainingScene(42, i)).isEqualTo(s.trainingScene(42, i));
        long differ = java.util.stream.IntStream.range(0, 100)
                .filter(i -> !s.trainingScene(42, i).equals(s.trainingScene(43, i))).count();
        assertThat(differ).isGreaterThan(80);
    }

    @Test
    void impossibleCrowdingFailsUpFront() {
        DatasetSpec spec = Presets.get("originality").withMaxElements(8);
        assertThatThrownBy(() -> new SceneSampler(spec, 64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot place 8 elements");
    }

    static void assertWithin(long count, long n, double p) {
        long[] iv = Binomial.interval(n, p, CONFIDENCE);
        assertThat(count).as("count for p=%s of n=%d (99.9%% interval %d..%d)", p, n, iv[0], iv[1]).isBetween(iv[0], iv[1]);
    }
}
