package dev.bus.outbox;

import java.util.concurrent.CompletableFuture;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.bus.BusPublishException.Reason;
import dev.bus.BusPublishException;
import dev.bus.observation.BusObservations;
import dev.bus.publisher.AbstractBusPublisher;
import dev.bus.transport.EnvelopeSender;
import dev.bus.transport.Envelope;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.PublishRouting;
import dev.bus.publisher.Requests;

/**
 * A {@link dev.bus.BusPublisher} that, inside a Spring transaction, writes to the outbox
 * table in that same transaction instead of to the broker: the message is sent if and
 * only if the transaction commits, by the {@link OutboxRelay}. The returned future
 * completes when the transaction commits (the message is then safely stored) and fails
 * with {@link Reason#ROLLED_BACK} when it rolls back. Outside a transaction it publishes
 * directly, confirmed by the broker, as the default publisher does.
 */
public class OutboxBusPublisher extends AbstractBusPublisher {

	private final JdbcOutbox outbox;

	private final OutboxRelay relay;

	private final EnvelopeSender envelopeSender;

	private final String exchange;

	public OutboxBusPublisher(EnvelopeFactory envelopeFactory, BusObservations observations, JdbcOutbox outbox,
			OutboxRelay relay, EnvelopeSender envelopeSender, String exchange, Requests requester,
			PublishRouting routing) {
		super(envelopeFactory, observations, requester, routing);
		this.outbox = outbox;
		this.relay = relay;
		this.envelopeSender = envelopeSender;
		this.exchange = exchange;
	}

	/**
	 * Inside a transaction: the outbox row must be written in it, so on the publishing
	 * thread.
	 */
	@Override
	protected boolean sendsOnCallerThread() {
		return TransactionSynchronizationManager.isActualTransactionActive();
	}

	@Override
	protected CompletableFuture<Void> send(Envelope envelope) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return this.envelopeSender.send(this.exchange, envelope);
		}
		this.outbox.add(envelope);
		CompletableFuture<Void> committed = new CompletableFuture<>();
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCompletion(int status) {
				if (status == STATUS_COMMITTED) {
					committed.complete(null);
					OutboxBusPublisher.this.relay.wake();
				}
				else {
					committed.completeExceptionally(new BusPublishException(Reason.ROLLED_BACK, envelope.topic(),
							envelope.messageId(), "the transaction that published it did not commit", null));
				}
			}

		});
		return committed;
	}

}
