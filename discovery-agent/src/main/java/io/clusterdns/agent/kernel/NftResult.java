package io.clusterdns.agent.kernel;

/** What running {@code nft} gave: its output, or why it failed (nft's own message). */
public sealed interface NftResult {

    boolean ok();

    record Ok(String stdout) implements NftResult {
        @Override
        public boolean ok() {
            return true;
        }
    }

    /** nft exited non-zero (or could not be run): the transaction was not applied at all. */
    record Failed(int exitCode, String message) implements NftResult {
        @Override
        public boolean ok() {
            return false;
        }

        /** The first lines of nft's message, for one log line. */
        public String summary() {
            String m = message.strip();
            String[] lines = m.split("\n");
            return lines.length <= 6 ? m : String.join("\n", java.util.Arrays.copyOf(lines, 6)) + "\n...";
        }
    }
}
