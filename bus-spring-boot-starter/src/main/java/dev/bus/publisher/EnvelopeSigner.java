package dev.bus.publisher;

import java.util.concurrent.CompletableFuture;

import dev.bus.transport.Envelope;

/**
 * The last step before a sealed envelope is sent: what proves its sender, over its final
 * bytes. It may complete later and on another thread (one signature over many envelopes),
 * in the order envelopes came in; a failed future means the envelope must not be sent.
 */
public interface EnvelopeSigner {

	/** Signs nothing: envelopes go out as sealed. */
	EnvelopeSigner NONE = new EnvelopeSigner() {

		@Override
		public CompletableFuture<Envelope> sign(Envelope envelope) {
			return CompletableFuture.completedFuture(envelope);
		}

		@Override
		public Envelope signNow(Envelope envelope) {
			return envelope;
		}

	};

	/**
	 * @return the envelope to send (this one, or a copy with what proves it), failed with
	 * a {@link dev.bus.BusPublishException} when it cannot be proved
	 */
	CompletableFuture<Envelope> sign(Envelope envelope);

	/**
	 * Signs on the calling thread, alone: for a caller that must send there (into the
	 * outbox table, inside the caller's transaction).
	 * @return the envelope to send
	 * @throws dev.bus.BusPublishException when it cannot be proved
	 */
	Envelope signNow(Envelope envelope);

}
