package org.certus.nn;

/** A layer computing {@code y = A x + b}: the bound propagators and the encoder need only A and b. */
public sealed interface AffineLayer extends Layer permits Dense, Conv2d, Flatten, Normalize, AveragePool, Reshape {

    /** This layer as an explicit sparse affine map for the given input shape. */
    AffineMap toAffineMap(Shape input);
}
