package io.clusterdns.images;

import java.nio.charset.StandardCharsets;

/**
 * A file capability set "+ep" (permitted and effective), as {@code setcap cap_NAME=+ep} stores
 * it: {@code struct vfs_cap_data}, revision 2, little-endian. Layers carry it in the tar entry's
 * {@code SCHILY.xattr.security.capability} record, as {@code docker build} writes a {@code RUN setcap}.
 */
record FileCapability(int capability) {
    /** {@code CAP_NET_BIND_SERVICE}: binding ports below 1024 as a non-root user. */
    static final FileCapability NET_BIND_SERVICE = new FileCapability(10);

    private static final int VFS_CAP_REVISION_2 = 0x02000000;
    private static final int VFS_CAP_FLAGS_EFFECTIVE = 0x000001;

    FileCapability {
        if (capability < 0 || capability > 31) {
            throw new IllegalArgumentException("capability number out of the first word: " + capability);
        }
    }

    /**
     * The 20 bytes as a string of chars 0..127 (every byte here is below 0x80), which the tar
     * writer's UTF-8 encoding of PAX records turns back into the same bytes.
     */
    String xattrValue() {
        byte[] data = new byte[20];
        putLe(data, 0, VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE);
        putLe(data, 4, 1 << capability); // permitted, low word; inheritable and the high words stay 0
        String value = new String(data, StandardCharsets.ISO_8859_1);
        if (!value.equals(new String(data, StandardCharsets.UTF_8))) {
            throw new IllegalStateException("capability bytes not representable in a PAX record: " + capability);
        }
        return value;
    }

    private static void putLe(byte[] data, int offset, int value) {
        for (int i = 0; i < 4; i++) {
            data[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
