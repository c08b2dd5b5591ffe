package org.certus.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.certus.nn.AffineMap;
import org.certus.nn.ReluChain;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BaBSR's relaxation-gap scores summed over some of the objective's rows (the rows a search still has to prove):
 * they are the scores of the objective cut down to those rows, bit for bit, and the bounds of every row are the ones
 * computed without a selection. Random dense and convolutional networks, at the root and at a node with splits, both
 * arithmetic models, block sizes that put a selected row in a block with unselected ones.
 */
class ScoredRowsTest {
    static java.util.stream.LongStream seeds() {
        return java.util.stream.LongStream.range(0, 60);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void scoresOfSelectedRowsAreThoseOfTheSelectedObjective(long seed) {
        Random rnd = new Random(seed * 7919 + 3);
        RandomChainBox at = RandomChainBox.draw(rnd);
        ReluChain chain = at.chain();
        double[] lo = at.lo(), hi = at.hi();
        ArithmeticModel am = at.arithmetic();
        SymbolicPropagator sym = new SymbolicPropagator(false, null, am).withBlockLanes(1 + rnd.nextInt(4));
        ReluSplits none = ReluSplits.none(BoundPropagator.widths(chain));
        NetworkBounds bounds = sym.propagate(chain, lo, hi, none);
        if (rnd.nextBoolean()) {
            RandomSplits drawn = RandomSplits.draw(rnd, chain, 2);
            bounds = sym.propagate(chain, lo, hi, drawn.splits(), bounds, drawn.firstLayer());
        }
        if (bounds.infeasible()) {
            return;
        }
        int rows = 2 + rnd.nextInt(6);
        int outs = chain.outputSize();
        AffineMap objective = AffineMap.fromDense(rows, outs, BoundSoundnessTest.gaussian(rnd, rows * outs, 1.0),
                BoundSoundnessTest.gaussian(rnd, rows, 1.0));
        boolean[] scored = new boolean[rows];
        int count = 0;
        for (int r = 0; r < rows; r++) {
            scored[r] = rnd.nextBoolean();
            count += scored[r] ? 1 : 0;
        }
        int[] selected = new int[count];
        for (int r = 0, t = 0; r < rows; r++) {
            if (scored[r]) {
                selected[t++] = r;
            }
        }
        int k = chain.reluLayerCount();
        double[][] all = scores(chain), some = scores(chain), expected = scores(chain);
        LinearBounds whole = sym.minimize(chain, bounds, lo, hi, objective, all);
        LinearBounds masked = sym.minimize(chain, bounds, lo, hi, objective, some, scored);
        if (count > 0) {
            sym.minimize(chain, bounds, lo, hi, objective.selectRows(selected), expected);
        }
        for (int r = 0; r < rows; r++) {
            assertEquals(Double.doubleToLongBits(whole.lower()[r]), Double.doubleToLongBits(masked.lower()[r]),
                    "seed " + seed + ": bound of row " + r);
        }
        boolean differs = false;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < some[i].length; j++) {
                assertEquals(Double.doubleToLongBits(expected[i][j]), Double.doubleToLongBits(some[i][j]),
                        "seed " + seed + ": score of layer " + i + " neuron " + j);
                assertTrue(some[i][j] <= all[i][j], "seed " + seed + ": a selection's score exceeds the whole objective's");
                differs |= some[i][j] != all[i][j];
            }
        }
        if (count == rows) {
            assertEquals(false, differs, "seed " + seed + ": every row selected, yet the scores differ");
        }
    }

    private static double[][] scores(ReluChain chain) {
        double[][] s = new double[chain.reluLayerCount()][];
        for (int i = 0; i < s.length; i++) {
            s[i] = new double[chain.width(i)];
        }
        return s;
    }
}
