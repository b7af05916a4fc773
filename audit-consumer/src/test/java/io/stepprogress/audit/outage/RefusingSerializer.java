package io.stepprogress.audit.outage;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/** The dead-letter channel's value serializer in {@link OutageTest}: refuses every record while told to. */
public class RefusingSerializer implements Serializer<byte[]> {

    static final AtomicBoolean REFUSING = new AtomicBoolean();

    @Override
    public byte[] serialize(String topic, byte[] data) {
        if (REFUSING.get()) {
            throw new SerializationException("the dead-letter topic is down (test)");
        }
        return data;
    }
}
