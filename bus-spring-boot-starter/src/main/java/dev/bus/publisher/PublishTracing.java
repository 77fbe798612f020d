package dev.bus.publisher;

/**
 * Traces publishing: a span per message, started before it is sent (its context travels in the message's
 * headers) and ended on the broker's confirm or the failure. {@link #NONE} when tracing is off.
 */
public interface PublishTracing {

	/** No tracing. */
	PublishTracing NONE = (envelope) -> () -> envelope;

	/**
	 * Starts the span of a publish, a child of the caller's current context; the span's envelope carries its
	 * context in the headers.
	 */
	PublishSpan start(Envelope envelope);

	/** One publish's span. */
	interface PublishSpan {

		/** The envelope to send: the one given, with the span's context in its headers. */
		Envelope envelope();

		/** Ends the span; {@code error} is null on the broker's confirm. */
		default void end(Throwable error) {
		}

	}

}
