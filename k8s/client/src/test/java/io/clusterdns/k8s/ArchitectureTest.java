package io.clusterdns.k8s;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.clusterdns.k8s.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * The two k8s modules: k8s-model (records, snapshots, ClusterSource, config plumbing) is the only
 * part other modules' logic may lean on and depends on nothing but the JDK; k8s-client's packages
 * (convert, informer, manifest, source, webhook) form no cycles. Checked here because this module
 * sees both on its class path.
 */
class ArchitectureTest {
    static final JavaClasses ALL = ArchitectureRules.mainClasses("io.clusterdns.k8s");

    @Test
    void theModelDependsOnTheJdkOnly() {
        classes().that().resideInAnyPackage("io.clusterdns.k8s", "io.clusterdns.k8s.model..", "io.clusterdns.k8s.config..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.clusterdns.k8s", "io.clusterdns.k8s.model..",
                        "io.clusterdns.k8s.config..", "java..")
                .as("k8s-model depends on the JDK only")
                .check(ALL);
    }

    @Test
    void theModelDoesNoIo() {
        ArchitectureRules.noIo("io.clusterdns.k8s.model..").check(ALL);
        ArchitectureRules.noIo("io.clusterdns.k8s.config..").check(ALL);
    }

    @Test
    void noPackageCycles() {
        ArchitectureRules.noPackageCycles("io.clusterdns.k8s").check(ALL);
    }

    @Test
    void convertersAreFreeOfTheSources() {
        noClasses().that().resideInAPackage("io.clusterdns.k8s.convert..")
                .should().dependOnClassesThat().resideInAnyPackage("io.clusterdns.k8s.informer..", "io.clusterdns.k8s.manifest..",
                        "io.clusterdns.k8s.source..")
                .as("converters turn one object into one record; they know no source")
                .check(ALL);
    }
}
