package io.clusterdns.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.agent.lb.LoadBalancing;
import io.clusterdns.agent.lb.LoadBalancingConfig;
import io.clusterdns.agent.sync.NodeContexts;
import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.model.IpFamily;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --load-balancing} and {@code --maglev-table-size}: defaults, values, refusals, and the way to the rules. */
class LoadBalancingFlagsTest {
    static final String[] BASE = {"--manifests", "../k8s/examples", "--node-name", "node-1"};

    static AgentConfig parse(String... flags) {
        String[] all = new String[BASE.length + flags.length];
        System.arraycopy(BASE, 0, all, 0, BASE.length);
        System.arraycopy(flags, 0, all, BASE.length, flags.length);
        return AgentConfigTest.parse(all);
    }

    @Test
    void defaultIsRandomWithA4093SlotTable() {
        assertThat(parse().loadBalancing()).isEqualTo(new LoadBalancingConfig(LoadBalancing.RANDOM, 4093));
    }

    @ParameterizedTest
    @CsvSource({"random, RANDOM", "round-robin, ROUND_ROBIN", "maglev, MAGLEV", "maglev-source, MAGLEV_SOURCE", "Maglev, MAGLEV",
            "rendezvous, RENDEZVOUS", "rendezvous-source, RENDEZVOUS_SOURCE"})
    void everyMode(String flag, LoadBalancing mode) {
        assertThat(parse("--load-balancing", flag).loadBalancing().nodeDefault()).isEqualTo(mode);
    }

    @Test
    void theSettingsReachEveryFamilysRules() {
        AgentConfig c = parse("--load-balancing", "maglev", "--maglev-table-size", "65537");
        for (IpFamily f : IpFamily.values()) {
            assertThat(new NodeContexts(c.nodeNetwork(), List::of).context(f).loadBalancing())
                    .isEqualTo(new LoadBalancingConfig(LoadBalancing.MAGLEV, 65537));
        }
        assertThat(c.toString()).contains("load balancing maglev (table size 65537)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--load-balancing|least-conn|--load-balancing: must be one of random, round-robin, maglev, maglev-source, rendezvous, rendezvous-source, got \"least-conn\"",
            "--maglev-table-size|4096|--maglev-table-size: must be a prime between 251 and 65537 (e.g. 1021, 4093, 16381, 65537), got 4096",
            "--maglev-table-size|131071|--maglev-table-size: must be a prime between 251 and 65537 (e.g. 1021, 4093, 16381, 65537), got 131071",
            "--maglev-table-size|abc|--maglev-table-size: must be a prime between 251 and 65537 (e.g. 1021, 4093, 16381, 65537), got \"abc\""})
    void refusals(String flag, String value, String message) {
        assertThatThrownBy(() -> parse(flag, value)).isInstanceOf(ConfigException.class).hasMessage(message);
    }
}
