package dev.duplex.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of the server, so a test can do to a browser what a network does: cut every
 * connection at once, refuse new ones for a while, then let them through again.
 */
final class TcpProxy implements AutoCloseable {

    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile ServerSocket listener;
    private volatile Thread acceptor;

    TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            listener = listen(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = listener.getLocalPort();
        acceptLoop(listener);
    }

    int port() {
        return port;
    }

    /** Cuts every proxied connection and refuses new ones until {@link #acceptAgain()}. */
    void cutAndRefuse() throws IOException, InterruptedException {
        listener.close();
        acceptor.join(5000);
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    void acceptAgain() throws IOException {
        listener = listen(port);
        acceptLoop(listener);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        cutAndRefuse();
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        return socket;
    }

    private void acceptLoop(ServerSocket listening) {
        acceptor = daemon(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket client = listening.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    sockets.add(client);
                    sockets.add(server);
                    daemon(() -> pump(client, server));
                    daemon(() -> pump(server, client));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException cut) {
            // either side closed: close both below
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static Thread daemon(Runnable body) {
        Thread thread = new Thread(body, "tcp-proxy");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
