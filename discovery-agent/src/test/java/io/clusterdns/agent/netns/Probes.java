package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.NetNamespaces;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** What the namespace tests share: reading {@link NetHelper} probe answers, waiting with the agents' logs, tearing labs down. */
final class Probes {
    private Probes() {
    }

    /** The replies of a {@code tcpn} probe ({@code pod-a1 10.244.1.20 8080} each); fails on any non-OK connection. */
    static List<String> replies(NetHelper helper, String command) {
        String a = helper.ask(command);
        assertThat(a).as(command).startsWith("OK ");
        List<String> out = new java.util.ArrayList<>();
        for (String r : split(a)) {
            assertThat(r).as("every connection of %s", command).startsWith("OK ");
            out.add(r.substring(3));
        }
        return out;
    }

    /** The per-connection answers of a {@code tcpn} probe ({@code OK pod-a1 ...}), empty when it failed as a whole. */
    static List<String> split(String answer) {
        return answer.startsWith("OK ") ? List.of(answer.substring(3).split("\\|")) : List.of();
    }

    /** The pod names of {@code tcpn} answers, with or without their {@code OK}. */
    static Set<String> pods(List<String> replies) {
        Set<String> out = new TreeSet<>();
        for (String r : replies) {
            String[] f = r.split(" ");
            out.add(f[0].equals("OK") ? f[1] : f[0]);
        }
        return out;
    }

    /** Polls {@code probe} until {@code done} ({@link Await}); returns the answer, or fails with {@code logs} (the agents'). */
    static String await(String what, Supplier<String> probe, Predicate<String> done, Supplier<String> logs) {
        try {
            return Await.until(what, Await.DEADLINE, probe, done);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nagent log:\n" + logs.get(), e);
        }
    }

    /** Skips (or fails under CLUSTERDNS_REQUIRE_PRIVILEGED=1) without root, nft or conntrack. */
    static void requireAgentPrivileges() {
        NetNamespaces.requirePrivileges("network namespace tests");
        io.clusterdns.k8s.testing.Privileged.requireTool("nft", "nftables");
        io.clusterdns.k8s.testing.Privileged.requireTool("conntrack", "conntrack");
    }

    /** Copies test resources {@code folder/file} into {@code dir/manifests} (which the agent then watches); returns that folder. */
    static java.nio.file.Path manifests(java.nio.file.Path dir, String folder, List<String> files) throws java.io.IOException {
        java.nio.file.Path out = java.nio.file.Files.createDirectories(dir.resolve("manifests"));
        for (String f : files) {
            java.nio.file.Files.writeString(out.resolve(f), io.clusterdns.agent.Conventions.resource(folder + "/" + f));
        }
        return out;
    }

    /** Closes a lab and checks that every namespace it created is gone. */
    static void closeAndCheckDeleted(NetNamespaces netns, AutoCloseable lab) throws Exception {
        List<String> created = netns.created();
        lab.close();
        String remaining = Commands.check("ip", "netns", "list");
        for (String ns : created) {
            assertThat(remaining).as("namespace %s deleted", ns).doesNotContain(ns);
        }
    }
}
