package org.certus.milp;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Exact rational number for test oracles (every finite double converts exactly). */
final class Fraction implements Comparable<Fraction> {

    static final Fraction ZERO = new Fraction(BigInteger.ZERO, BigInteger.ONE);

    final BigInteger num;
    final BigInteger den;

    private Fraction(BigInteger num, BigInteger den) {
        if (den.signum() < 0) {
            num = num.negate();
            den = den.negate();
        }
        BigInteger g = num.gcd(den);
        if (g.signum() != 0 && !g.equals(BigInteger.ONE)) {
            num = num.divide(g);
            den = den.divide(g);
        }
        this.num = num;
        this.den = den;
    }

    static Fraction of(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("not finite: " + d);
        }
        BigDecimal b = new BigDecimal(d);
        if (b.scale() <= 0) {
            return new Fraction(b.toBigIntegerExact(), BigInteger.ONE);
        }
        return new Fraction(b.unscaledValue(), BigInteger.TEN.pow(b.scale()));
    }

    Fraction add(Fraction o) {
        return new Fraction(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }

    Fraction subtract(Fraction o) {
        return new Fraction(num.multiply(o.den).subtract(o.num.multiply(den)), den.multiply(o.den));
    }

    Fraction multiply(Fraction o) {
        return new Fraction(num.multiply(o.num), den.multiply(o.den));
    }

    Fraction divide(Fraction o) {
        return new Fraction(num.multiply(o.den), den.multiply(o.num));
    }

    int signum() {
        return num.signum();
    }

    @Override
    public int compareTo(Fraction o) {
        return num.multiply(o.den).compareTo(o.num.multiply(den));
    }

    double toDouble() {
        return new BigDecimal(num).divide(new BigDecimal(den), java.math.MathContext.DECIMAL128).doubleValue();
    }

    @Override
    public String toString() {
        return toDouble() + " (" + num + "/" + den + ")";
    }
}
