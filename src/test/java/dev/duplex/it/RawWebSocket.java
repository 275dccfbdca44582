package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client on a plain socket, for what the JDK's client cannot show: a peer that never answers pings,
 * and a frame the server closes the connection on while it is still being written. The JDK's client reports a
 * failed write ({@code Broken pipe}) instead of the close frame that had already arrived, when the write fails
 * first; this one stops writing and reads what the server sent.
 */
final class RawWebSocket implements AutoCloseable {

    /** One frame from the server. */
    record Frame(int opcode, byte[] payload) {

        /** A close frame's code; {@code -1} when it has none. */
        int closeCode() {
            return payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : -1;
        }
    }

    private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};

    private final Socket socket;
    private final DataInputStream in;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Opens {@code uri} (a {@code ws://} address) and completes the handshake; fails on anything but 101. */
    static RawWebSocket open(URI uri) throws IOException {
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(15_000);
        RawWebSocket ws = new RawWebSocket(socket);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) ws.in.readUnsignedByte());
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
        return ws;
    }

    /**
     * Writes {@code text} as one masked text frame, in pieces of 8 KB, and stops at the first write that fails
     * (the server closed the connection).
     */
    void sendTextUntilClosed(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] head = new byte[14];
        head[0] = (byte) 0x81;
        head[1] = (byte) (0x80 | 127);
        for (int i = 0; i < 8; i++) {
            head[2 + i] = (byte) ((long) payload.length >>> (56 - 8 * i));
        }
        System.arraycopy(MASK, 0, head, 10, 4);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= MASK[i % 4];
        }
        int written = 0;
        try {
            OutputStream out = socket.getOutputStream();
            out.write(head);
            while (written < payload.length) {
                int piece = Math.min(8192, payload.length - written);
                out.write(payload, written, piece);
                written += piece;
            }
            out.flush();
        } catch (IOException closedMidFrame) {
            // the server closed the connection: what it sent before is still to be read
        }
    }

    /** The next frame from the server (unmasked, as servers send them). */
    Frame next() throws IOException {
        int first = in.readUnsignedByte();
        long length = in.readUnsignedByte() & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(first & 0x0F, payload);
    }

    /** Reads past other frames to the close frame and returns its code; {@code -1} if the connection ends first. */
    int awaitCloseCode() throws IOException {
        try {
            while (true) {
                Frame frame = next();
                if (frame.opcode() == 0x8) {
                    return frame.closeCode();
                }
            }
        } catch (EOFException | SocketException ended) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
