package org.certus.bnb;

import java.time.Duration;

/**
 * What a search is about to do, as its listeners see it. Immutable.
 *
 * @param network     the network's name
 * @param inputs      inputs of the lowered network
 * @param relus       ReLUs of the network
 * @param disjuncts   disjuncts of the unsafe set
 * @param splitsInput whether nodes split the input box (else ReLU phases)
 * @param threads     worker threads
 * @param timeLimit   the search's time limit
 */
public record SearchStart(String network, int inputs, long relus, int disjuncts, boolean splitsInput, int threads, Duration timeLimit) {
}
