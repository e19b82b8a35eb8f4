package io.clusterdns.agent;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure of the agent, checked on its main classes (tests may cross any line):
 *
 * <pre>
 * io.clusterdns.agent   entry and wiring: command line, configuration, lifecycle (uses everything below)
 *   .http               HTTP endpoints                → status
 *   .sync               the sync loop and one sync    → status, nft, model, kernel, lb
 *   .status             metrics and health            (leaf)
 *   .nft                pure rule model and rendering → model, lb
 *   .model              what the rules are made from  → lb
 *   .kernel             the nft and conntrack ports and the processes behind them → nft (the transactions it carries)
 *   .netlink            nf_tables netlink batches (the netlink backend of the nft port) → kernel, nft
 *   .kubeproxy          kube-proxy's configuration file → model
 *   .lb                 load balancing modes, the Maglev table (leaf)
 * </pre>
 */
class ArchitectureTest {
    static final String AGENT = "io.clusterdns.agent";

    static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests()).importPackages(AGENT);
    }

    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.clusterdns.agent.(*)..").should().beFreeOfCycles();

    static final ArchRule SUB_PACKAGES_DO_NOT_USE_THE_ENTRY_PACKAGE = noClasses()
            .that().resideInAPackage("io.clusterdns.agent..").and().resideOutsideOfPackage(AGENT)
            .should().dependOnClassesThat().resideInAPackage(AGENT)
            .because("the entry package wires the others together; a sub-package gets what it needs as a small record of its own"
                    + " (e.g. model.NodeNetwork, not AgentConfig)");

    static final ArchRule NO_FABRIC8 = noClasses()
            .should().dependOnClassesThat().resideInAPackage("io.fabric8..")
            .because("only k8s-client talks to the API server; the agent sees the k8s-model projections");

    /** By name, so that nested classes such as ProcessBuilder.Redirect count without resolving the JDK's classes. */
    static final DescribedPredicate<JavaClass> PROCESS_OR_FILE_IO = resideInAPackage("java.nio.file..")
            .or(nameMatching("java\\.lang\\.Process(Builder|Handle)?(\\$.*)?"))
            .or(nameMatching("java\\.io\\.File.*"))
            .as("are process or file I/O (java.lang.Process*, java.io.File*, java.nio.file..)");

    static final ArchRule PURE_PACKAGES_DO_NO_IO = noClasses()
            .that().resideInAnyPackage("io.clusterdns.agent.nft..", "io.clusterdns.agent.model..", "io.clusterdns.agent.lb..")
            .should().dependOnClassesThat(PROCESS_OR_FILE_IO)
            .because("rendering is a pure function to text; running nft and conntrack is agent.kernel's job");

    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Entry").definedBy(AGENT)
            .layer("Http").definedBy(AGENT + ".http..")
            .layer("Sync").definedBy(AGENT + ".sync..")
            .layer("Status").definedBy(AGENT + ".status..")
            .layer("Rendering").definedBy(AGENT + ".nft..")
            .layer("Model").definedBy(AGENT + ".model..")
            .layer("Kernel").definedBy(AGENT + ".kernel..")
            .layer("KubeProxyConfig").definedBy(AGENT + ".kubeproxy..")
            .layer("LoadBalancing").definedBy(AGENT + ".lb..")
            .layer("Netlink").definedBy(AGENT + ".netlink..")
            .whereLayer("Http").mayOnlyAccessLayers("Status")
            .whereLayer("Sync").mayOnlyAccessLayers("Status", "Rendering", "Model", "Kernel", "LoadBalancing")
            .whereLayer("Rendering").mayOnlyAccessLayers("Model", "LoadBalancing")
            .whereLayer("Status").mayNotAccessAnyLayer()
            .whereLayer("Model").mayOnlyAccessLayers("LoadBalancing")
            .whereLayer("LoadBalancing").mayNotAccessAnyLayer()
            .whereLayer("Kernel").mayOnlyAccessLayers("Rendering")
            .whereLayer("Netlink").mayOnlyAccessLayers("Kernel", "Rendering")
            .whereLayer("KubeProxyConfig").mayOnlyAccessLayers("Model")
            .ensureAllClassesAreContainedInArchitecture()
            .because("a new package gets its place in this table (and in the README's code map)");

    @Test
    void packagesAreFreeOfCycles() {
        NO_PACKAGE_CYCLES.check(classes);
    }

    @Test
    void subPackagesDoNotDependOnTheEntryPackage() {
        SUB_PACKAGES_DO_NOT_USE_THE_ENTRY_PACKAGE.check(classes);
    }

    @Test
    void nothingUsesFabric8() {
        NO_FABRIC8.check(classes);
    }

    @Test
    void renderingAndModelDoNoProcessOrFileIo() {
        PURE_PACKAGES_DO_NO_IO.check(classes);
    }

    @Test
    void layersOnlyDependDownwards() {
        LAYERS.check(classes);
    }
}
