package io.clusterdns.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.clusterdns.k8s.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** Package rules the compiler cannot check (see {@link ArchitectureRules}). */
class ArchitectureTest {
    static final String ROOT = "io.clusterdns.server";
    static final JavaClasses MAIN = ArchitectureRules.mainClasses(ROOT);

    @Test
    void noPackageCycles() {
        ArchitectureRules.noPackageCycles(ROOT).check(MAIN);
    }

    @Test
    void subPackagesDoNotUseTheWiring() {
        ArchitectureRules.subPackagesDoNotUseTheWiring(ROOT).check(MAIN);
    }

    @Test
    void noFabric8() {
        ArchitectureRules.noFabric8(ROOT).check(MAIN);
    }
}
