package dev.bus.publisher;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.bus.OutboundMessage;

/**
 * Where a publisher's {@link dev.bus.BusPublisher#request requests} go: the requesting
 * side of request-reply ({@code dev.bus.reply.Requester}), which is built on this package
 * and so is reached through this interface.
 */
@FunctionalInterface
public interface Requests {

	/**
	 * Sends a request; the future completes with the reply, or fails with a
	 * {@link dev.bus.BusRequestException}.
	 */
	<R> CompletableFuture<R> request(OutboundMessage message, Class<R> replyType, Duration timeout);

}
