package io.clusterdns.k8s.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The architecture rules every module's {@code ArchitectureTest} checks (shipped in the k8s-client
 * test-jar), for what the compiler cannot see: package cycles, sub-packages reaching back into
 * their module's wiring, fabric8 outside k8s-client, I/O where there must be none.
 */
public final class ArchitectureRules {
    /** Packages whose classes read or write files, sockets or processes. */
    public static final String[] IO_PACKAGES = {
        "java.nio.file..", "java.nio.channels..", "java.net.http..", "io.vertx..", "io.netty..",
        "io.fabric8..", "com.fasterxml.jackson..", "org.yaml.."
    };

    private ArchitectureRules() {
    }

    /** Main classes under {@code rootPackage}; test classes (and the shared test-jars) are left out. */
    public static JavaClasses mainClasses(String rootPackage) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages(rootPackage);
    }

    /** No cycle between the sub-packages of {@code rootPackage} ({@code a -> b -> a}). */
    public static ArchRule noPackageCycles(String rootPackage) {
        // a module without sub-packages passes (nothing to check yet)
        return slices().matching(rootPackage + ".(*)..").should().beFreeOfCycles()
                .allowEmptyShould(true)
                .as("no package cycles inside " + rootPackage);
    }

    /**
     * The module's root package is its entry and wiring (main class, config, the object that
     * starts everything); sub-packages are parts it assembles and must not reach back into it.
     */
    public static ArchRule subPackagesDoNotUseTheWiring(String rootPackage) {
        return noClasses().that().resideInAPackage(rootPackage + ".*..")
                .should().dependOnClassesThat().resideInAPackage(rootPackage)
                .allowEmptyShould(true)
                .as("no sub-package of " + rootPackage + " depends on its wiring package " + rootPackage);
    }

    /** fabric8 types never leave k8s-client: everything else sees the records of k8s-model. */
    public static ArchRule noFabric8(String rootPackage) {
        return noClasses().that().resideInAPackage(rootPackage + "..")
                .should().dependOnClassesThat().resideInAPackage("io.fabric8..")
                .as("no class in " + rootPackage + " uses fabric8 (only k8s-client converts its objects)");
    }

    /** Pure logic: no file, socket, HTTP, Vert.x, Netty, fabric8 or Jackson use. */
    public static ArchRule noIo(String packages) {
        return noClasses().that().resideInAPackage(packages)
                .should().dependOnClassesThat().resideInAnyPackage(IO_PACKAGES)
                .orShould().dependOnClassesThat().haveFullyQualifiedName(ProcessBuilder.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName(java.io.File.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName(java.io.FileInputStream.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName(java.io.FileOutputStream.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName(java.net.Socket.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName(java.net.DatagramSocket.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName(java.net.ServerSocket.class.getName())
                .as("no I/O in " + packages);
    }
}
