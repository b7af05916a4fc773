package io.stepprogress.progress.relay;

/** A batch did not reach Kafka (broker down, timeout): retry it, mark nothing. */
final class PublishException extends Exception {
    PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
