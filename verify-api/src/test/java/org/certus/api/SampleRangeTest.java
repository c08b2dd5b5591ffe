package org.certus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


class SampleRangeTest {

    @RepeatedTest(20)
    void roundTripsSeededRanges(RepetitionInfo info) {
        long seed = 1000 + info.getCurrentRepetition();
        Random rnd = new Random(seed);
        int a = rnd.nextInt(20000);
        int b = a + rnd.nextInt(20000);
        SampleRange r = SampleRange.parse(a + ":" + b);
        assertEquals(a, r.first(), "seed " + seed);
        assertEquals(b, r.last(), "seed " + seed);
        assertEquals(b - a + 1, r.count(), "seed " + seed);
        assertEquals(r, SampleRange.parse(r.toString()), "seed " + seed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5:2", "a:b", "x", "", ":", "1:", ":1", "-1:3", "1:2:3", "0:2147483648", "1.5:3"})
    void rejects(String text) {
        assertThrows(IllegalArgumentException.class, () -> SampleRange.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0:0", " 3 : 7 ", "0:9999"})
    void accepts(String text) {
        SampleRange.parse(text);
    }

    @org.junit.jupiter.api.Test
    void fitsIn() {
        assertEquals(true, SampleRange.parse("0:9999").fitsIn(10000));
        assertEquals(false, SampleRange.parse("0:10000").fitsIn(10000));
        assertEquals(new SampleRange(0, 99), SampleRange.all(100));
    }
}
