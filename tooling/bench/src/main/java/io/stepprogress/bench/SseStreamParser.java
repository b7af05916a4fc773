package io.stepprogress.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * An incremental parser of one HTTP/1.1 response carrying a Server-Sent Events stream, fed the bytes as they
 * come off a non-blocking socket: the status line and headers, then the body (chunked or not), then SSE lines.
 * Only {@code event:} and {@code id:} are kept; {@code data:} lines are counted, not stored (unless
 * {@link #keepData} asks for them), so ten thousand
 * streams cost a few hundred bytes each.
 */
public final class SseStreamParser {

    /** What the parser saw. Called on the thread that feeds it. */
    public interface Listener {
        void status(int code);

        /** One dispatched frame: its event name ("message" when absent), id (null when absent), data bytes. */
        void frame(String event, String id, int dataBytes);

        /** The response ended (the last chunk, or the end of a body of known length). */
        void ended();
    }

    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_KEPT_LINE = 256;
    private static final int MAX_DATA_BYTES = 1 << 20;
    private static final byte[] LF = {'\n'};

    private enum Phase { HEADERS, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, IDENTITY, DONE }

    private Phase phase = Phase.HEADERS;
    private byte[] header = new byte[512];
    private int headerLength;
    private int status;
    private boolean chunked;
    private long remaining = -1; // identity body with Content-Length, or the rest of the current chunk
    private long chunkSize;
    private boolean chunkSizeDigits;
    private boolean inChunkExtension;

    /**
     * The current line up to {@code lineCap} bytes: a prefix that holds the field name and an id, or the whole line
     * when the data is kept.
     */
    private byte[] line = new byte[MAX_KEPT_LINE];
    private int lineCap = MAX_KEPT_LINE;
    private int lineLength;
    private int lineTotal;
    private boolean lastWasCr;
    private String event;
    private String id;
    private int dataBytes;
    private boolean hasData;
    /*
     * When kept (keepData): the data of the frame being dispatched (its data lines' values joined by LF), as bytes
     * decoded only when asked for. Plain arrays: a ByteArrayOutputStream, written a byte at a time under its lock and
     * decoded line by line, made keeping the data 14 times the cost of parsing (33 against 2.4 us for a 1.5 KB
     * frame), on the two cores the measured stack runs on.
     */
    private byte[] data;
    private int dataLength;

    /** Keeps each frame's data, readable with {@link #data()} while its frame is dispatched (overload checks). */
    public SseStreamParser keepData() {
        lineCap = MAX_DATA_BYTES;
        data = new byte[MAX_KEPT_LINE];
        return this;
    }

    /** The data of the frame being dispatched; null unless {@link #keepData} was called. */
    public String data() {
        return data == null ? null : new String(data, 0, dataLength, StandardCharsets.UTF_8);
    }

    public int status() {
        return status;
    }

    public boolean done() {
        return phase == Phase.DONE;
    }

    public void feed(ByteBuffer buffer, Listener listener) {
        while (buffer.hasRemaining() && phase != Phase.DONE) {
            byte b = buffer.get();
            switch (phase) {
                case HEADERS -> header(b, listener);
                case CHUNK_SIZE -> chunkSize(b, listener);
                case CHUNK_DATA -> {
                    body(b, listener);
                    if (--remaining == 0) {
                        phase = Phase.CHUNK_DATA_END;
                    }
                }
                case CHUNK_DATA_END -> {
                    if (b == '\n') {
                        phase = Phase.CHUNK_SIZE;
                        chunkSize = 0;
                        chunkSizeDigits = false;
                        inChunkExtension = false;
                    }
                }
                case IDENTITY -> {
                    body(b, listener);
                    if (remaining > 0 && --remaining == 0) {
                        phase = Phase.DONE;
                        listener.ended();
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    public void feed(byte[] bytes, Listener listener) {
        feed(ByteBuffer.wrap(bytes), listener);
    }

    private void header(byte b, Listener listener) {
        if (headerLength == header.length) {
            if (header.length >= MAX_HEADER_BYTES) {
                throw new IllegalStateException("response headers longer than " + MAX_HEADER_BYTES + " bytes");
            }
            header = Arrays.copyOf(header, header.length * 2);
        }
        header[headerLength++] = b;
        if (b == '\n' && headerLength >= 4 && header[headerLength - 2] == '\r' && header[headerLength - 3] == '\n'
                && header[headerLength - 4] == '\r') {
            String head = new String(header, 0, headerLength, StandardCharsets.ISO_8859_1);
            header = null;
            String[] lines = head.split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                throw new IllegalStateException("not an HTTP response: " + lines[0]);
            }
            status = Integer.parseInt(statusLine[1]);
            long contentLength = -1;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).strip();
                if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                } else if (name.equals("content-length")) {
                    contentLength = Long.parseLong(value);
                }
            }
            listener.status(status);
            if (chunked) {
                phase = Phase.CHUNK_SIZE;
            } else if (contentLength == 0) {
                phase = Phase.DONE;
                listener.ended();
            } else {
                remaining = contentLength;
                phase = Phase.IDENTITY;
            }
        }
    }

    private void chunkSize(byte b, Listener listener) {
        if (b == '\n') {
            if (!chunkSizeDigits) {
                return; // a stray CRLF
            }
            if (chunkSize == 0) {
                phase = Phase.DONE;
                listener.ended();
            } else {
                remaining = chunkSize;
                phase = Phase.CHUNK_DATA;
            }
            return;
        }
        if (b == '\r' || inChunkExtension) {
            return;
        }
        if (b == ';') {
            inChunkExtension = true;
            return;
        }
        int digit = Character.digit(b, 16);
        if (digit < 0) {
            throw new IllegalStateException("bad chunk size byte " + b);
        }
        chunkSize = chunkSize * 16 + digit;
        chunkSizeDigits = true;
    }

    /** One byte of the SSE text: lines end in LF, CRLF or CR. */
    private void body(byte b, Listener listener) {
        if (b == '\n' && lastWasCr) {
            lastWasCr = false;
            return;
        }
        lastWasCr = b == '\r';
        if (b == '\n' || b == '\r') {
            endOfLine(listener);
            return;
        }
        if (lineLength < lineCap) {
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, Math.min(lineCap, line.length * 2));
            }
            line[lineLength++] = b;
        }
        lineTotal++;
    }

    private void endOfLine(Listener listener) {
        if (lineTotal == 0) {
            if (event != null || id != null || hasData) {
                listener.frame(event == null ? "message" : event, id, dataBytes);
            }
            event = null;
            id = null;
            dataBytes = 0;
            hasData = false;
            dataLength = 0;
        } else if (line[0] != ':') {
            if (startsWith("data:")) {
                dataBytes += lineTotal - 5 - (lineLength > 5 && line[5] == ' ' ? 1 : 0);
                if (data != null) {
                    int from = lineLength > 5 && line[5] == ' ' ? 6 : 5;
                    if (hasData) {
                        appendData(LF, 0, 1);
                    }
                    appendData(line, from, Math.max(0, lineLength - from));
                }
                hasData = true;
            } else if (startsWith("event:")) {
                event = value(6);
            } else if (startsWith("id:")) {
                id = value(3);
            }
        }
        lineLength = 0;
        lineTotal = 0;
    }

    private void appendData(byte[] bytes, int from, int length) {
        int kept = Math.min(length, MAX_DATA_BYTES - dataLength);
        if (kept <= 0) {
            return;
        }
        if (dataLength + kept > data.length) {
            data = Arrays.copyOf(data, Math.max(dataLength + kept, Math.min(MAX_DATA_BYTES, data.length * 2)));
        }
        System.arraycopy(bytes, from, data, dataLength, kept);
        dataLength += kept;
    }

    private boolean startsWith(String field) {
        if (lineLength < field.length()) {
            return false;
        }
        for (int i = 0; i < field.length(); i++) {
            if (line[i] != field.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String value(int from) {
        int start = from < lineLength && line[from] == ' ' ? from + 1 : from;
        return new String(line, start, Math.max(0, lineLength - start), StandardCharsets.UTF_8);
    }
}
