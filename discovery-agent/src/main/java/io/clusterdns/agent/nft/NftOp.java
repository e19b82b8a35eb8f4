package io.clusterdns.agent.nft;

import java.util.List;
import java.util.Objects;

/**
 * One command of a transaction, as data: {@link NftScripts} renders the same commands as
 * {@code nft -f} text, and the netlink backend ({@code io.clusterdns.agent.netlink}) encodes them
 * as nf_tables messages, so that both backends apply exactly the same changes.
 */
public sealed interface NftOp {

    Family family();

    /** {@code add table ip clusterdns { comment "..."; }}. */
    record AddTable(Family family, String comment) implements NftOp {
    }

    /** {@code delete table ip clusterdns}. */
    record DeleteTable(Family family) implements NftOp {
    }

    /** {@code add chain ip clusterdns NAME [{ type ... hook ... priority ...; policy accept; }]}. */
    record AddChain(Family family, String name, Hook hook) implements NftOp {
        public AddChain {
            Objects.requireNonNull(name, "name");
        }
    }

    /** {@code flush chain}: removes every rule of the chain. */
    record FlushChain(Family family, String name) implements NftOp {
    }

    record DeleteChain(Family family, String name) implements NftOp {
    }

    /** {@code add rule ip clusterdns CHAIN ...}: appended to the chain. */
    record AddRule(Family family, String chain, Rule rule) implements NftOp {
    }

    /** {@code add set|map ... { type ...; }}. */
    record AddContainer(Family family, ContainerDef def) implements NftOp {
    }

    /** {@code flush set|map}: removes every element. */
    record FlushContainer(Family family, ContainerDef def) implements NftOp {
    }

    /** {@code delete set|map NAME} (a map is a set to the kernel; {@code keyword} is nft's word). */
    record DeleteContainer(Family family, String keyword, String name) implements NftOp {
    }

    /** {@code add element} ({@code delete} false) or {@code delete element} of one set or map. */
    record Elements(Family family, String container, boolean delete, List<Element> elements) implements NftOp {
        public Elements {
            elements = List.copyOf(elements);
        }
    }
}
