/**
 * Verification specifications: what a network must not do.
 *
 * <p>A {@link org.certus.spec.VnnlibProperty} is a list of cases, each an {@link org.certus.spec.InputBox}
 * and an {@link org.certus.spec.OutputCondition} (a disjunction of conjunctions of
 * {@link org.certus.spec.LinearConstraint}s over the outputs). The condition describes the <em>unsafe</em>
 * set, as in VNN-LIB: an input in a case's box whose outputs satisfy that case's condition is a
 * counterexample. {@link org.certus.spec.VnnlibParser} reads the VNN-COMP subset of VNN-LIB,
 * {@link org.certus.spec.VnnlibWriter} writes it back. Every bad input is reported as a
 * {@link org.certus.spec.SpecException}.
 */
package org.certus.spec;
