package io.stepprogress.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * {@code get}'s baseline: the least an HTTP server can do on this machine's loopback. A thread per connection
 * reads each request up to its blank line and writes one prepared answer (a JSON body of the notifier's size,
 * keep-alive), with nothing between: no routing, no authentication, no serialization. What the notifier's GET
 * costs beyond that is the notifier's own.
 */
final class LoopbackHttpServer implements AutoCloseable {

    private final ServerSocket server;
    private final byte[] answer;
    private final Thread acceptor;
    private volatile boolean closed;

    LoopbackHttpServer(byte[] jsonBody) throws IOException {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + jsonBody.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        answer = new byte[head.length + jsonBody.length];
        System.arraycopy(head, 0, answer, 0, head.length);
        System.arraycopy(jsonBody, 0, answer, head.length, jsonBody.length);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "bench-baseline-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                Thread connection = new Thread(() -> serve(socket), "bench-baseline-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = socket.getOutputStream();
            int matched = 0; // bytes of "\r\n\r\n" seen in a row
            int b;
            while ((b = in.read()) >= 0) {
                matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == 4) {
                    out.write(answer);
                    out.flush();
                    matched = 0;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
