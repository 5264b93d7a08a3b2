package io.cometgate;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The dependency rules of docs/ARCHITECTURE.md, checked on the production classes: the
 * session is the core and imports no edge, the server package sits below the transports,
 * and no two packages import each other, however indirectly. A failure names the offending
 * class and import.
 */
@AnalyzeClasses(packages = "io.cometgate", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Edges: everything that faces a browser, a backend, an operator or a benchmark. */
    private static final String[] EDGES = {
        "io.cometgate.relay..", "io.cometgate.transport..", "io.cometgate.http..", "io.cometgate.tls..",
        "io.cometgate.cli..", "io.cometgate.metrics..", "io.cometgate.bench..", "io.cometgate.demo..",
    };

    /** Each top-level package with its subpackages (relay.clientaddr is relay, policy.cli is policy). */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.cometgate.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule theSessionImportsNoEdge = noClasses().that().resideInAPackage("io.cometgate.session..")
            .should().dependOnClassesThat().resideInAnyPackage(EDGES)
            .because("the session is the core: edges implement its ports (Receiver, SessionChannel, ChannelOpener)");

    @ArchTest
    static final ArchRule theServerImportsNoTransportOrRelay = noClasses().that().resideInAPackage("io.cometgate.http..")
            .should().dependOnClassesThat().resideInAnyPackage("io.cometgate.transport..", "io.cometgate.relay..",
                    "io.cometgate.cli..")
            .because("transports plug into the server through ProtocolHandler; cli.GatewayAssembly wires them");

}
