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
import org.certus.bounds.NetworkBounds;
import org.certus.bounds.SymbolicPropagator;
import org.certus.encode.EncodingObjective;
import org.certus.encode.MilpEncoder;
import org.certus.encode.MilpEncoding;
import org.certus.milp.Model;
import org.certus.milp.MpsWriter;
import org.certus.spec.OutputCondition;
import org.certus.spec.RobustnessProperty;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export-mps", mixinStandardHelpOptions = true,
        description = {"Write the untargeted robustness query of one sample as a MILP in free MPS,",
                "for an external solver (glpsol, cbc, HiGHS). Feasible iff an adversarial example exists",
                "(with --objective worst: the optimum is the worst margin, >= 0 iff not robust)."})
final class ExportMpsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    SampleQueryOptions query;

    @Option(names = "--objective", defaultValue = "FEASIBILITY", paramLabel = "KIND",
            description = "feasibility, closest or worst (default: feasibility).", converter = ObjectiveConverter.class)
    EncodingObjective objective;

    @Option(names = "--out", required = true, paramLabel = "FILE.mps", description = "Output file (overwritten).")
    Path outFile;

    static final class ObjectiveConverter implements picocli.CommandLine.ITypeConverter<EncodingObjective> {
        @Override
        public EncodingObjective convert(String value) {
            try {
                return EncodingObjective.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not one of feasibility, closest, worst");
            }
        }
    }

    @Override
    public Integer call() {
        BoundsQuery q = BoundsQuery.load(spec, query.network, query.dataset, query.sample, query.eps);
        int classes = q.chain().outputSize();
        OutputCondition unsafe = RobustnessProperty.targetCondition(RobustnessProperty.untargeted(q.label(), classes), classes, 0.0);
        NetworkBounds b = new SymbolicPropagator().propagate(q.chain(), q.box().lower(), q.box().upper());
        MilpEncoding enc = MilpEncoder.encode(q.chain(), q.box().lower(), q.box().upper(), b, unsafe, objective, q.image());
        Model m = enc.model();
        String name = q.network().name().replaceAll("[^A-Za-z0-9_.-]", "_") + "_s" + query.sample;
        try (Writer w = Files.newBufferedWriter(outFile, StandardCharsets.US_ASCII)) {
            MpsWriter.write(m, name, w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "network: %s, sample %d (label %d), eps %s, objective %s%n", q.network().name(), query.sample,
                q.label(), query.eps, objective.name().toLowerCase(Locale.ROOT));
        out.printf("variables: %d (%d binary), constraints: %d, nonzeros: %d%n", m.numVariables(), m.numBinaries(),
                m.numConstraints(), m.numNonzeros());
        out.printf("targets kept: %d of %d%s%n", enc.keptDisjuncts().length, classes - 1,
                enc.triviallyInfeasible() ? " (robust by bounds alone: the model is infeasible)" : "");
        out.printf("wrote: %s%n", outFile);
        out.flush();
        return 0;
    }
}
