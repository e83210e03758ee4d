package dev.originality.measure.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.originality.measure.detect.ShapeDetector;
import dev.originality.shapes.DatasetSpec;
import dev.originality.shapes.Element;
import dev.originality.shapes.PairRule;
import dev.originality.shapes.Presets;
import dev.originality.shapes.Renderer;
import dev.originality.shapes.Scene;
import dev.originality.shapes.SceneSampler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutsTest {
    static final Element A = Element.parse("big red full circle"), B = Element.parse("small blue empty square");
    static final ScoreConfig C = ScoreConfig.tiny();

    static List<Layouts.Placed> layout(double ax, double ay, double bx, double by) {
        return List.of(new Layouts.Placed(A, ax, ay), new Layouts.Placed(B, bx, by));
    }

    @Test
    void displacementPairsSameElements() {
        var q = layout(0.2, 0.2, 0.8, 0.8);
        assertThat(Layouts.displacement(q, q)).isZero();
        assertThat(Layouts.displacement(q, layout(0.2, 0.3, 0.8, 0.8))).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
        // Swapped positions of two different elements are a real move, not a relabelling.
        assertThat(Layouts.displacement(q, layout(0.8, 0.8, 0.2, 0.2))).isGreaterThan(0.8);
    }

    @Test
    void variedReconstructionsAreInDistribution() {
        var q = layout(0.2, 0.2, 0.8, 0.8);
        List<List<Layouts.Placed>> rec = List.of(layout(0.3, 0.7, 0.7, 0.2), layout(0.6, 0.5, 0.2, 0.8), layout(0.8, 0.3, 0.4, 0.4));
        Layouts.Check c = Layouts.check(q, rec, C);
        assertThat(c.inDistribution()).isTrue();
        assertThat(c.copyShare()).isZero();
        assertThat(c.meanPairwiseDisplacement()).isGreaterThan(C.minVariation());
    }

    @Test
    void copiesOfTheQueryLayoutAreNot() {
        var q = layout(0.2, 0.2, 0.8, 0.8);
        List<List<Layouts.Placed>> rec = List.of(q, layout(0.21, 0.2, 0.8, 0.8), layout(0.2, 0.21, 0.79, 0.8), layout(0.6, 0.6, 0.2, 0.3));
        Layouts.Check c = Layouts.check(q, rec, C);
        assertThat(c.copyShare()).isEqualTo(0.75);
        assertThat(c.inDistribution()).isFalse();
    }

    @Test
    void oneRepeatedLayoutIsNotEvenIfItIsNotTheQuerys() {
        var q = layout(0.2, 0.2, 0.8, 0.8);
        var same = layout(0.5, 0.5, 0.3, 0.7);
        Layouts.Check c = Layouts.check(q, List.of(same, same, same), C);
        assertThat(c.copyShare()).isZero();
        assertThat(c.meanPairwiseDisplacement()).isZero();
        assertThat(c.inDistribution()).isFalse();
    }

    @Test
    void emptyQueriesHaveNothingToPlace() {
        assertThat(Layouts.check(List.of(), List.of(List.of(), List.of()), C).inDistribution()).isTrue();
    }

    /**
     * App. C's ablation, measured with the detector: in a world that puts elements at fixed
     * centres, "reconstructions" drawn from the same world as the query land where the query's
     * elements are and fail the check; from the randomly placed world, they pass.
     */
    @Test
    void fixedLocationWorldFailsRandomWorldPasses() throws Exception {
        DatasetSpec random = Presets.get("originality");
        PairRule common = random.pair("common");
        DatasetSpec fixed = new DatasetSpec(random.name(), random.shapes(), random.colours(), random.sizes(), random.textures(),
                random.heldOut(), random.emptyFraction(), random.maxElements(), random.pairs(), true, random.gapFraction());
        try (ShapeDetector d = ShapeDetector.loadDefault()) {
            for (boolean isFixed : new boolean[] {true, false}) {
                SceneSampler s = new SceneSampler(isFixed ? fixed : random, 64);
                Scene query = s.queryScene(common, 5, 0);
                var qd = d.detect(Renderer.render(query, 64));
                List<List<Layouts.Placed>> rec = new ArrayList<>();
                for (int i = 1; i <= 12; i++) {
                    // The query's elements where that world puts them in a fresh draw.
                    Scene again = s.queryScene(common, 5, i);
                    Scene same = new Scene(place(query, again), query.group());
                    var found = d.detect(Renderer.render(same, 64));
                    rec.add(Layouts.of(found, 64));
                }
                Layouts.Check c = Layouts.check(Layouts.of(qd, 64), rec, C);
                assertThat(c.inDistribution()).as("fixed locations: %s, check %s", isFixed, c).isEqualTo(!isFixed);
            }
        }
    }

    /** The query's elements at the positions of another scene's elements (the fixed centres, in the ablation's world). */
    private static List<dev.originality.shapes.PlacedElement> place(Scene query, Scene other) {
        List<dev.originality.shapes.PlacedElement> out = new ArrayList<>();
        for (int i = 0; i < query.elements().size(); i++) {
            var q = query.elements().get(i);
            var o = other.elements().get(i);
            double r = q.radius();
            int[] box = {(int) Math.floor(o.cx() - r), (int) Math.floor(o.cy() - r), (int) Math.ceil(o.cx() + r), (int) Math.ceil(o.cy() + r)};
            out.add(new dev.originality.shapes.PlacedElement(q.element(), o.cx(), o.cy(), r, box));
        }
        return out;
    }
}
