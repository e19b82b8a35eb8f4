package io.clusterdns.agent.netns;

/** Every {@link DataPlaneIT} scenario, real packets, with the agent writing its rules over netlink ({@code --nft-backend netlink}). */
class DataPlaneNetlinkIT extends DataPlaneIT {
    @Override
    String backend() {
        return "netlink";
    }
}
