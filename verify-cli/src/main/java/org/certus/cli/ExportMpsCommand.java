package org.certus.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.certus.api.Load;
import org.certus.api.MilpExport;
import org.certus.api.Objective;
import org.certus.nn.Network;
import org.certus.spec.VnnlibProperty;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "export-mps", mixinStandardHelpOptions = true,
        description = {"Write a verification query as a MILP in free MPS, for an external solver (glpsol, cbc, HiGHS).",
                "The query is the untargeted robustness of one sample (--sample, --eps) or a VNN-LIB property (--vnnlib).",
                "Feasible iff an adversarial example (a violation) exists; with --objective worst the optimum is the worst",
                "margin (>= 0 iff not robust), with closest the minimum L-inf distortion (samples only)."})
final class ExportMpsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    SampleQueryOptions query;

    @Option(names = "--vnnlib", paramLabel = "PROP.vnnlib",
            description = "Export this VNN-LIB property over the network instead of a sample's robustness (.vnnlib or .vnnlib.gz).")
    Path vnnlib;

    @Option(names = "--case", paramLabel = "K",
            description = "With --vnnlib: which of the property's input boxes to export, 0-based (needed when it has several).")
    Integer caseIndex;

    @Option(names = "--objective", defaultValue = "feasible", paramLabel = "OBJ", converter = ObjectiveConverter.class,
            description = "feasible (default), closest or worst, as in 'certus robustness'.")
    Objective objective;

    @Option(names = "--out", required = true, paramLabel = "FILE.mps", description = "Output file (overwritten).")
    Path outFile;

    /** The objective words of {@code certus robustness}; {@code feasibility} (the old spelling) still reads. */
    static final class ObjectiveConverter implements picocli.CommandLine.ITypeConverter<Objective> {
        @Override
        public Objective convert(String value) {
            try {
                return Objective.parse(value.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not one of feasible, closest, worst");
            }
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        MilpExport enc;
        String name;
        if (vnnlib != null) {
            if (query.sample != null || query.eps != null) {
                throw new ParameterException(spec.commandLine(), "--vnnlib exports a property; --sample and --eps belong to a sample's query");
            }
            if (objective == Objective.CLOSEST) {
                throw new ParameterException(spec.commandLine(), "--objective closest needs a sample to measure distortion from; "
                        + "a VNN-LIB property has none (use feasible or worst)");
            }
            Network net = Load.instanceNetwork(query.network);
            VnnlibProperty property = Load.property(vnnlib, net);
            if (query.inputRange.range != null) {
                property = query.inputRange.range.restrict(property);
            }
            int cases = property.cases().size();
            if (caseIndex == null && cases > 1) {
                throw new ParameterException(spec.commandLine(), vnnlib + " has " + cases + " input boxes and an MPS file holds one "
                        + "problem: choose one with --case 0.." + (cases - 1));
            }
            int k = caseIndex == null ? 0 : caseIndex;
            if (k < 0 || k >= cases) {
                throw new ParameterException(spec.commandLine(), "--case " + k + " is out of range: " + vnnlib + " has " + cases
                        + " input box(es)");
            }
            VnnlibProperty.Case c = property.cases().get(k);
            enc = MilpExport.ofCase(net, c, objective);
            name = net.name() + "_" + VnncompCommand.stem(vnnlib.toString(), ".vnnlib") + (cases > 1 ? "_case" + k : "");
            out.printf(Locale.ROOT, "network: %s, property %s%s, objective %s%n", net.name(), vnnlib, cases > 1 ? " case " + k : "",
                    objective.word());
        } else {
            if (caseIndex != null) {
                throw new ParameterException(spec.commandLine(), "--case applies to --vnnlib only");
            }
            BoundsQuery q = BoundsQuery.load(spec, query);
            enc = MilpExport.ofSample(q.network(), q.box(), q.image(), q.label(), objective);
            name = q.network().name() + "_s" + query.sample;
            out.printf(Locale.ROOT, "network: %s, sample %d (label %d), eps %s, objective %s%n", q.network().name(), query.sample,
                    q.label(), query.eps, objective.word());
        }
        try (Writer w = Files.newBufferedWriter(outFile, StandardCharsets.US_ASCII)) {
            enc.write(w, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.printf("variables: %d (%d binary), constraints: %d, nonzeros: %d%n", enc.variables(), enc.binaries(),
                enc.constraints(), enc.nonzeros());
        out.printf("%s kept: %d of %d%s%n", vnnlib != null ? "disjuncts" : "targets", enc.keptDisjuncts(), enc.disjuncts(),
                enc.triviallyInfeasible() ? " (" + (vnnlib != null ? "unsat" : "robust") + " by bounds alone: the model is infeasible)" : "");
        out.printf("wrote: %s%n", outFile);
        out.flush();
        return 0;
    }
}
