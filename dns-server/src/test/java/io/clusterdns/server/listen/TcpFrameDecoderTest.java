package io.clusterdns.server.listen;

import io.clusterdns.server.Wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpFrameDecoderTest {
    private final TcpFrameDecoder decoder = new TcpFrameDecoder();
    private final List<byte[]> frames = new ArrayList<>();

    private static byte[] message(int size, int fill) {
        byte[] m = new byte[size];
        Arrays.fill(m, (byte) fill);
        return m;
    }

    @Test
    void emitsAWholeFrame() {
        byte[] m = message(30, 1);

        assertThat(decoder.feed(Wire.framed(m), frames::add)).isEqualTo(TcpFrameDecoder.Status.OK);

        assertThat(frames).containsExactly(m);
        assertThat(decoder.pendingBytes()).isZero();
    }

    @Test
    void reassemblesAFrameSplitAnywhereIncludingInsideTheLengthPrefix() {
        byte[] m = message(40, 2);
        byte[] stream = Wire.framed(m);
        for (int cut = 1; cut < stream.length; cut++) {
            TcpFrameDecoder d = new TcpFrameDecoder();
            List<byte[]> got = new ArrayList<>();
            d.feed(Arrays.copyOfRange(stream, 0, cut), got::add);
            assertThat(got).as("cut at %d", cut).isEmpty();
            d.feed(Arrays.copyOfRange(stream, cut, stream.length), got::add);
            assertThat(got).as("cut at %d", cut).containsExactly(m);
        }
    }

    @Test
    void splitsSeveralFramesInOneReadAndKeepsTheRest() {
        byte[] a = message(12, 3);
        byte[] b = message(300, 4);
        byte[] c = message(20, 5);
        byte[] stream = Wire.framed(a, b, c);

        decoder.feed(Arrays.copyOf(stream, stream.length - 5), frames::add);
        assertThat(frames).containsExactly(a, b);
        assertThat(decoder.pendingBytes()).isEqualTo(2 + 20 - 5);

        decoder.feed(Arrays.copyOfRange(stream, stream.length - 5, stream.length), frames::add);
        assertThat(frames).containsExactly(a, b, c);
    }

    @Test
    void feedsByteByByte() {
        byte[] a = message(13, 6);
        byte[] b = message(65535, 7);
        for (byte x : Wire.framed(a, b)) {
            decoder.feed(new byte[] {x}, frames::add);
        }
        assertThat(frames).containsExactly(a, b);
    }

    @Test
    void aFrameShorterThanAHeaderBreaksTheStreamForGood() {
        byte[] good = message(12, 8);

        assertThat(decoder.feed(Wire.framed(good, message(3, 9), good), frames::add)).isEqualTo(TcpFrameDecoder.Status.BROKEN);
        assertThat(frames).containsExactly(good);
        assertThat(decoder.feed(Wire.framed(good), frames::add)).isEqualTo(TcpFrameDecoder.Status.BROKEN);
        assertThat(frames).hasSize(1);
    }

    @Test
    void aZeroLengthFrameIsBroken() {
        assertThat(decoder.feed(new byte[] {0, 0}, frames::add)).isEqualTo(TcpFrameDecoder.Status.BROKEN);
    }
}
