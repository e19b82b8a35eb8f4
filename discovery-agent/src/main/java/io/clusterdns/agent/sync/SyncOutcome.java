package io.clusterdns.agent.sync;

import java.time.Duration;

/**
 * The result of one sync.
 *
 * @param ok        the kernel holds the desired rules (also true when nothing had to change)
 * @param full      the whole table was written (first sync, after a failure, or table missing)
 * @param written   an nft transaction ran
 * @param changed   service ports whose rules changed
 * @param took      wall time of the whole sync
 * @param error     nft's message when not ok
 */
public record SyncOutcome(boolean ok, boolean full, boolean written, int changed, Duration took, String error) {
}
