package io.clusterdns.agent.netns;

/** Every {@link LoadBalancingIT} scenario (round-robin, Maglev), with the agent writing its rules over netlink. */
class LoadBalancingNetlinkIT extends LoadBalancingIT {
    @Override
    String backend() {
        return "netlink";
    }
}
