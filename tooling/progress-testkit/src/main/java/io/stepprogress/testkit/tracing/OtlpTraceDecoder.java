package io.stepprogress.testkit.tracing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads an OTLP {@code ExportTraceServiceRequest} (the protobuf body of {@code POST /v1/traces}) into
 * {@link ExportedSpan}s: only the fields a trace's shape needs, everything else skipped by its wire type. Written by
 * hand because {@code opentelemetry-proto} (and protobuf-java) are not among the project's dependencies; the
 * schema is opentelemetry-proto's {@code trace/v1/trace.proto}:
 * <pre>
 * ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
 * ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
 * Resource      { repeated KeyValue attributes = 1; }
 * KeyValue      { string key = 1; AnyValue value = 2; }    AnyValue { string string_value = 1; ... }
 * ScopeSpans    { InstrumentationScope scope = 1; repeated Span spans = 2; }
 * Span          { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
 *                 string name = 5; SpanKind kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; ... }
 * </pre>
 */
public final class OtlpTraceDecoder {

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;
    private static final HexFormat HEX = HexFormat.of();

    private OtlpTraceDecoder() {
    }

    /** Every span of the request, each with the {@code service.name} of its resource ("" when it has none). */
    public static List<ExportedSpan> decode(byte[] request) {
        List<ExportedSpan> spans = new ArrayList<>();
        Reader message = new Reader(ByteBuffer.wrap(request));
        while (message.hasMore()) {
            int tag = message.tag();
            if (field(tag) == 1 && wireType(tag) == LENGTH_DELIMITED) {
                resourceSpans(message.embedded(), spans);
            } else {
                message.skip(tag);
            }
        }
        return spans;
    }

    private static void resourceSpans(Reader message, List<ExportedSpan> into) {
        String service = "";
        List<Reader> scopes = new ArrayList<>();
        while (message.hasMore()) {
            int tag = message.tag();
            if (field(tag) == 1 && wireType(tag) == LENGTH_DELIMITED) {
                service = serviceName(message.embedded(), service);
            } else if (field(tag) == 2 && wireType(tag) == LENGTH_DELIMITED) {
                scopes.add(message.embedded()); // the resource may come after its spans on the wire
            } else {
                message.skip(tag);
            }
        }
        for (Reader scope : scopes) {
            while (scope.hasMore()) {
                int tag = scope.tag();
                if (field(tag) == 2 && wireType(tag) == LENGTH_DELIMITED) {
                    into.add(span(scope.embedded(), service));
                } else {
                    scope.skip(tag);
                }
            }
        }
    }

    private static String serviceName(Reader resource, String otherwise) {
        String service = otherwise;
        while (resource.hasMore()) {
            int tag = resource.tag();
            if (field(tag) == 1 && wireType(tag) == LENGTH_DELIMITED) {
                Reader keyValue = resource.embedded();
                String key = null;
                String value = null;
                while (keyValue.hasMore()) {
                    int kvTag = keyValue.tag();
                    if (field(kvTag) == 1 && wireType(kvTag) == LENGTH_DELIMITED) {
                        key = keyValue.string();
                    } else if (field(kvTag) == 2 && wireType(kvTag) == LENGTH_DELIMITED) {
                        value = stringValue(keyValue.embedded());
                    } else {
                        keyValue.skip(kvTag);
                    }
                }
                if ("service.name".equals(key) && value != null) {
                    service = value;
                }
            } else {
                resource.skip(tag);
            }
        }
        return service;
    }

    /** AnyValue's string_value; null for the other kinds of value. */
    private static String stringValue(Reader anyValue) {
        String value = null;
        while (anyValue.hasMore()) {
            int tag = anyValue.tag();
            if (field(tag) == 1 && wireType(tag) == LENGTH_DELIMITED) {
                value = anyValue.string();
            } else {
                anyValue.skip(tag);
            }
        }
        return value;
    }

    private static ExportedSpan span(Reader span, String service) {
        String traceId = "";
        String spanId = "";
        String parentSpanId = "";
        String name = "";
        int kind = 0;
        long start = 0;
        long end = 0;
        while (span.hasMore()) {
            int tag = span.tag();
            switch (field(tag) * 8 + wireType(tag)) {
                case 1 * 8 + LENGTH_DELIMITED -> traceId = HEX.formatHex(span.bytes());
                case 2 * 8 + LENGTH_DELIMITED -> spanId = HEX.formatHex(span.bytes());
                case 4 * 8 + LENGTH_DELIMITED -> parentSpanId = HEX.formatHex(span.bytes());
                case 5 * 8 + LENGTH_DELIMITED -> name = span.string();
                case 6 * 8 + VARINT -> kind = (int) span.varint();
                case 7 * 8 + FIXED64 -> start = span.fixed64();
                case 8 * 8 + FIXED64 -> end = span.fixed64();
                default -> span.skip(tag);
            }
        }
        return new ExportedSpan(service, traceId, spanId, parentSpanId, name, kind, start, end);
    }

    private static int field(int tag) {
        return tag >>> 3;
    }

    private static int wireType(int tag) {
        return tag & 7;
    }

    /** A protobuf message's bytes, field by field. */
    private static final class Reader {
        private final ByteBuffer buffer;

        Reader(ByteBuffer buffer) {
            this.buffer = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        boolean hasMore() {
            return buffer.hasRemaining();
        }

        int tag() {
            return (int) varint();
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buffer.get();
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        long fixed64() {
            return buffer.getLong();
        }

        byte[] bytes() {
            byte[] bytes = new byte[length()];
            buffer.get(bytes);
            return bytes;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        Reader embedded() {
            int length = length();
            ByteBuffer inner = buffer.slice(buffer.position(), length);
            buffer.position(buffer.position() + length);
            return new Reader(inner);
        }

        private int length() {
            long length = varint();
            if (length < 0 || length > buffer.remaining()) {
                throw new IllegalArgumentException("length " + length + " beyond the message's end");
            }
            return (int) length;
        }

        void skip(int tag) {
            switch (wireType(tag)) {
                case VARINT -> varint();
                case FIXED64 -> buffer.position(buffer.position() + 8);
                case LENGTH_DELIMITED -> {
                    int length = length();
                    buffer.position(buffer.position() + length);
                }
                case FIXED32 -> buffer.position(buffer.position() + 4);
                default -> throw new IllegalArgumentException("unsupported wire type " + wireType(tag)
                        + " of field " + field(tag));
            }
        }
    }
}
