package org.certus.milp;

/** Kind of a model variable. Binary variables have bounds [0, 1] and are relaxed to that interval in LPs. */
public enum VariableType {
    CONTINUOUS,
    BINARY
}
