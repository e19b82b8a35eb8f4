package io.clusterdns.server.wire;

/** The transport a query arrived on; it decides how large a response may be before TC is set. */
public enum Transport {
    /** RFC 1035: 512 bytes unless the client advertised more with EDNS(0). */
    UDP(512),
    /** The 2-byte length prefix caps a TCP message at 65535 bytes. */
    TCP(65535);

    private final int defaultLimit;

    Transport(int defaultLimit) {
        this.defaultLimit = defaultLimit;
    }

    /** The response size limit for a query without EDNS(0). */
    public int defaultLimit() {
        return defaultLimit;
    }
}
