package io.rulecast.job.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a free loopback port, to take a server "away" from the job under test and
 * bring it back without touching the server itself. {@link #stop()} closes the listening socket and
 * every forwarded connection; {@link #start()} listens on the same port again. {@link #blackhole()}
 * is the nastier failure: sockets stay open and new connections are accepted, but nothing is
 * forwarded any more in either direction — a network that swallows packets, where only a read
 * timeout tells a client that something is wrong. {@link #delayNewConnections} makes a server slow
 * to answer new clients (a connection that takes seconds to open) without touching open ones.
 */
final class TcpProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile boolean blackhole;
    private volatile long delayMillis;

    TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        blackhole = false;
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        // Right after stop(), the kernel may still hold the port for the connections just cut
        // (seen after a blackhole); it frees it within moments.
        for (int attempt = 1; ; attempt++) {
            try {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                break;
            } catch (java.net.BindException e) {
                if (attempt >= 20) {
                    s.close();
                    throw e;
                }
                JobFixture.sleep(250);
            }
        }
        server = s;
        Thread acceptor = new Thread(() -> accept(s), "tcp-proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * From now on, forwards nothing: bytes that arrive are read and dropped, open connections stay
     * open, and new ones are accepted (the TCP handshake succeeds) but never reach the server.
     * {@link #stop()} then {@link #start()} end it.
     */
    void blackhole() {
        blackhole = true;
    }

    /**
     * From now on, a new connection reaches the server only {@code delay} after it was accepted
     * (the client waits for the server's first bytes meanwhile); open connections are untouched.
     */
    void delayNewConnections(java.time.Duration delay) {
        delayMillis = delay.toMillis();
    }

    synchronized void stop() {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            closeQuietly(s);
        }
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // stopped
            }
            try {
                sockets.add(client);
                if (blackhole) {
                    pump(client, null);
                    continue;
                }
                long delay = delayMillis;
                if (delay > 0) {
                    Thread t =
                            new Thread(
                                    () -> {
                                        JobFixture.sleep(delay);
                                        connect(client);
                                    },
                                    "tcp-proxy-delay-" + port);
                    t.setDaemon(true);
                    t.start();
                } else {
                    connect(client);
                }
            } catch (RuntimeException e) {
                closeQuietly(client);
            }
        }
    }

    private void connect(Socket client) {
        try {
            Socket upstream = new Socket(targetHost, targetPort);
            sockets.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    /**
     * Copies {@code from} to {@code to} (null: nowhere) until either closes; drops in blackhole.
     */
    private void pump(Socket from, Socket to) {
        Thread t =
                new Thread(
                        () -> {
                            byte[] buf = new byte[16 * 1024];
                            try (InputStream in = from.getInputStream();
                                    OutputStream out =
                                            to == null
                                                    ? OutputStream.nullOutputStream()
                                                    : to.getOutputStream()) {
                                int n;
                                while ((n = in.read(buf)) >= 0) {
                                    if (!blackhole) {
                                        out.write(buf, 0, n);
                                        out.flush();
                                    }
                                }
                            } catch (IOException ignored) {
                                // one side closed
                            } finally {
                                closeQuietly(from);
                                sockets.remove(from);
                                if (to != null) {
                                    closeQuietly(to);
                                    sockets.remove(to);
                                }
                            }
                        },
                        "tcp-proxy-pump-" + port);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        stop();
    }
}
