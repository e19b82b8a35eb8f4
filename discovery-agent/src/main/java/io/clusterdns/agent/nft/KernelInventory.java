package io.clusterdns.agent.nft;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The chains and sets that exist in our table of one family, read before a full sync so that
 * objects no longer wanted (left by an earlier run, or by a failed sync) are flushed and removed.
 * Parsed from {@code nft list chains <family>} and {@code nft -t list sets <family>}, which print
 * headers only (not rules or elements), so this stays cheap with 10,000 services.
 */
public record KernelInventory(boolean tableExists, Set<String> chains, Set<String> sets) {
    public static final KernelInventory NONE = new KernelInventory(false, Set.of(), Set.of());

    public KernelInventory {
        chains = Set.copyOf(chains);
        sets = Set.copyOf(sets);
    }

    /** Parses the two listings; only the part inside {@code table <family> clusterdns} counts. */
    public static KernelInventory parse(Family f, String chainListing, String setListing) {
        return parse(f, chainListing, setListing, "");
    }

    /**
     * With {@code nft -t list maps <family>} too: {@code list sets} leaves maps out, and a stale
     * map (a service that left Maglev) would otherwise keep its endpoint chains referenced forever.
     * {@link #sets} then holds both (the kernel deletes either with {@code delete set}).
     */
    public static KernelInventory parse(Family f, String chainListing, String setListing, String mapListing) {
        Set<String> chains = new LinkedHashSet<>();
        Set<String> sets = new LinkedHashSet<>();
        boolean seen = collect(f, chainListing, "chain ", chains);
        seen |= collect(f, setListing, "set ", sets);
        seen |= collect(f, mapListing, "map ", sets);
        return new KernelInventory(seen, chains, sets);
    }

    private static boolean collect(Family f, String listing, String keyword, Set<String> out) {
        String header = "table " + f.nft() + " " + Names.TABLE + " {";
        boolean inTable = false;
        boolean seen = false;
        for (String raw : listing.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("table ")) {
                inTable = line.equals(header);
                seen |= inTable;
            } else if (inTable && line.startsWith(keyword) && line.endsWith("{")) {
                out.add(line.substring(keyword.length(), line.length() - 1).strip());
            }
        }
        return seen;
    }
}
