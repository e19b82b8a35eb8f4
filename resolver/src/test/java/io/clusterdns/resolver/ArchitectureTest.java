package io.clusterdns.resolver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.clusterdns.k8s.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * The resolver is pure name → records logic: the build already keeps fabric8 and Jackson off its
 * class path (it depends on k8s-model only); these rules keep Vert.x, sockets and files out too.
 */
class ArchitectureTest {
    static final JavaClasses RESOLVER = ArchitectureRules.mainClasses("io.clusterdns.resolver");

    @Test
    void doesNoIo() {
        ArchitectureRules.noIo("io.clusterdns.resolver..").check(RESOLVER);
    }

    @Test
    void dependsOnlyOnTheModelDnsjavaAndTheJdk() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                        "io.clusterdns.resolver..", "io.clusterdns.k8s.model..", "org.xbill.DNS..", "java..")
                .as("the resolver depends on k8s-model records, dnsjava and the JDK only")
                .check(RESOLVER);
    }
}
