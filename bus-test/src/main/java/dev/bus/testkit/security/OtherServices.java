package dev.bus.testkit.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

import org.springframework.amqp.core.Message;

import dev.bus.IncomingMessage;
import dev.bus.PublishPostProcessor;
import dev.bus.publisher.EnvelopeSigner;
import dev.bus.transport.EnvelopeSender;

/**
 * Other services of the system, as the application's listeners see them: each publishes
 * on the bus exchange as its own broker user ({@code user_id}), with per-message tokens
 * the {@link TestIssuer} signed for it with the scopes the test gives, proved with a key
 * of its own, and its payload encrypted with the topic's keyset when the topic is
 * encrypted. A test sees its listeners take, or refuse, a message from a service with too
 * few scopes, a bearer token, no token, or a token the test made:
 *
 * <pre class="code">
 * otherServices.named("billing").withScopes("bus.publish:invoices.*").publish("orders.created", order);
 * harness.deadLettered("orders.created").withReason("forbidden").await();
 * </pre>
 *
 * <p>
 * In-process only: a real broker authenticates every sender, so sending as another broker
 * user needs that user's own connection.
 */
public final class OtherServices implements AutoCloseable {

	/** Where other services send and consume. */
	public interface Transport {

		/**
		 * A sender whose messages carry {@code brokerUser} as {@code user_id}, as a
		 * broker that authenticated it would have them.
		 */
		EnvelopeSender senderFor(String brokerUser);

		/**
		 * Gives {@code service} a queue that takes what is published on
		 * {@code topicPattern}, as its listener group's queue would.
		 */
		void bindConsumer(String service, String topicPattern);

		/**
		 * Hands what is published on {@code topicPattern} to {@code handler}, through
		 * {@code service}'s queue for it, in place of any handler it had there.
		 */
		void consume(String service, String topicPattern, Consumer<Message> handler);

	}

	/**
	 * What another service's messages go through before they are sent, as the
	 * application's own go through its publish chain: the test kit's tokens and
	 * encryption, when the application uses them.
	 */
	public interface Elements {

		/** The chain elements of a publish by {@code service}. */
		List<PublishPostProcessor> elements(OtherService service);

		/**
		 * What a request to {@code service} goes through before it answers (decryption),
		 * as a listener's receive chain.
		 */
		default void receive(OtherService service, IncomingMessage request) {
		}

		/** What proves {@code service}'s sealed messages. */
		default EnvelopeSigner signer(OtherService service) {
			return EnvelopeSigner.NONE;
		}

	}

	private final Transport transport;

	private final ServiceEnvelopes envelopes;

	private final Map<String, EnvelopeSender> senders = new ConcurrentHashMap<>();

	/**
	 * @param transport how other services send, {@code null} when they cannot (against a
	 * real broker)
	 */
	OtherServices(Transport transport, ServiceEnvelopes envelopes) {
		this.transport = transport;
		this.envelopes = envelopes;
	}

	/**
	 * The service whose broker user is {@code name}: its tokens have
	 * {@code bus.publish:#} and are bound to its key, until told otherwise.
	 */
	public OtherService named(String name) {
		return new OtherService(this, name, OtherService.TokenKind.BOUND, List.of("bus.publish:#"), null, null);
	}

	EnvelopeSender sender(String name) {
		return this.senders.computeIfAbsent(name, transport(name)::senderFor);
	}

	void bindConsumer(String name, String topicPattern) {
		transport(name).bindConsumer(name, topicPattern);
	}

	<T> void answer(OtherService service, String topic, Class<T> type, Function<T, ?> answer) {
		transport(service.name()).consume(service.name(), topic,
				(request) -> this.envelopes.answer(service, request, type, answer, sender(service.name())));
	}

	private Transport transport(String name) {
		if (this.transport == null) {
			throw new IllegalStateException("Other services are in-process only "
					+ "(@AutoConfigureBusTest(inProcess = true)): a real broker authenticates every sender, so "
					+ "sending as broker user '" + name + "' needs that user's own connection, and its listeners "
					+ "are its own application's");
		}
		return this.transport;
	}

	ServiceEnvelopes envelopes() {
		return this.envelopes;
	}

	@Override
	public void close() {
		this.senders.values().forEach((sender) -> sender.close(Duration.ZERO));
	}

}
