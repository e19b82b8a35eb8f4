package io.clusterdns.k8s.manifest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hashes that are the same on every JVM and every run ({@link String#hashCode} is too, but its
 * low bits cluster for similar names), so that allocations and generated names never move
 * unless the input does.
 */
final class StableHash {
    /** The alphabet of Kubernetes' generated name suffixes (no vowels, no look-alikes). */
    private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private StableHash() {
    }

    /** A value in {@code [0, bound)}. */
    static long bounded(String text, long bound) {
        return Math.floorMod(hash(text), bound);
    }

    /** Five characters in the style of {@code generateName} ({@code web-x7k2p}). */
    static String suffix(String text) {
        long h = hash(text);
        StringBuilder sb = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            sb.append(SUFFIX_ALPHABET.charAt((int) Math.floorMod(h, (long) SUFFIX_ALPHABET.length())));
            h = Math.floorDiv(h, SUFFIX_ALPHABET.length());
        }
        return sb.toString();
    }

    private static long hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
