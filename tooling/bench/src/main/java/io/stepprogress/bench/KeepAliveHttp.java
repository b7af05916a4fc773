package io.stepprogress.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client on one kept-alive socket, so the latency measured is the server's and the
 * loopback's, not a general-purpose client's: a prepared request, a status line, headers, and a body
 * read by Content-Length (or chunks), discarded by {@link #get()} and kept by {@link #exchange(byte[])}.
 */
public final class KeepAliveHttp implements AutoCloseable {

    private final InetSocketAddress address;
    private final byte[] request;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] body = new byte[64 * 1024];
    private byte[] kept = new byte[8 * 1024];
    private int keptLength;
    private boolean keepBody;

    /** For {@link #exchange(byte[])} only: the caller prepares each request. */
    public KeepAliveHttp(InetSocketAddress address) {
        this.address = address;
        this.request = null;
    }

    public KeepAliveHttp(InetSocketAddress address, String path, String bearerToken) {
        this.address = address;
        StringBuilder text = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(address.getHostString()).append(':').append(address.getPort()).append("\r\n")
                .append("Accept: application/json\r\n");
        if (bearerToken != null) {
            text.append("Authorization: Bearer ").append(bearerToken).append("\r\n");
        }
        this.request = text.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends the GET and reads the whole answer; returns the status. Reconnects when the server closed. */
    public int get() throws IOException {
        return roundTrip(request, false);
    }

    /**
     * Sends a whole prepared request (request line, headers, body) and reads the answer; returns the status, the
     * body is {@link #body()} until the next call. Reconnects when the server closed.
     */
    public int exchange(byte[] prepared) throws IOException {
        return roundTrip(prepared, true);
    }

    /** The body of the last {@link #exchange(byte[])}, read as JSON in place (no copy per answer). */
    public <T> T readBody(ObjectMapper json, Class<T> type) throws IOException {
        return json.readValue(kept, 0, keptLength, type);
    }

    /** The kept body as text, for an error's detail. */
    public String bodyText() {
        return new String(kept, 0, keptLength, StandardCharsets.UTF_8);
    }

    private int roundTrip(byte[] request, boolean keepBody) throws IOException {
        keptLength = 0;
        this.keepBody = keepBody;
        if (socket == null || socket.isClosed()) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(address, 5_000);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
        }
        out.write(request);
        out.flush();
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String header;
        while (!(header = line()).isEmpty()) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.contains("chunked");
                case "connection" -> close = value.contains("close");
                default -> { }
            }
        }
        if (chunked) {
            long size;
            while ((size = Long.parseLong(line().split(";")[0].strip(), 16)) > 0) {
                skip(size);
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (length > 0) {
            skip(length);
        }
        if (close) {
            disconnect();
        }
        return status;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            int read = in.read(body, 0, (int) Math.min(body.length, n));
            if (read < 0) {
                throw new IOException("connection closed mid-body");
            }
            if (keepBody) {
                if (keptLength + read > kept.length) {
                    kept = java.util.Arrays.copyOf(kept, Math.max(kept.length * 2, keptLength + read));
                }
                System.arraycopy(body, 0, kept, keptLength, read);
                keptLength += read;
            }
            n -= read;
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() > 16 * 1024) {
                throw new IOException("header line too long");
            }
            line.append((char) b);
        }
        throw new IOException("connection closed");
    }

    @Override
    public void close() {
        disconnect();
    }

    /** Closes the socket; the next {@link #get()} opens a new one. */
    public void disconnect() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }
}
