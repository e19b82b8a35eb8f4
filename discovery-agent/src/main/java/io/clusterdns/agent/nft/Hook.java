package io.clusterdns.agent.nft;

/**
 * Where a base chain is attached. Priorities are numeric because the nft shipped with Debian 12
 * rejects {@code priority dstnat} on the output hook of an {@code ip} table.
 */
public record Hook(String type, String hook, int priority) {
    public static final int FILTER_BEFORE_DNAT = -110;
    public static final int DNAT = -100;
    public static final int FILTER = 0;
    public static final int SNAT = 100;

    public String render() {
        return "type " + type + " hook " + hook + " priority " + priority + "; policy accept;";
    }
}
