package dev.bus.test;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ApplicationContext;

import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;

/**
 * Deletes, after each test, the queues and exchanges its contexts declared, so test runs
 * leave no durable leftovers on the shared broker. Register as a field with
 * {@code @RegisterExtension}.
 */
public class BrokerCleanup implements AfterEachCallback {

	private final Set<String> queues = new LinkedHashSet<>();

	private final Set<String> exchanges = new LinkedHashSet<>();

	private final Supplier<Rabbit> broker;

	/** Cleans up on the default broker. */
	public BrokerCleanup() {
		this(Rabbit::connect);
	}

	/**
	 * Cleans up on the broker {@code broker} connects to
	 * ({@code Rabbit::connectSecured}).
	 */
	public BrokerCleanup(Supplier<Rabbit> broker) {
		this.broker = broker;
	}

	/** Remembers what a running context declared. */
	public void track(ApplicationContext context) {
		for (var registration : context.getBean(BusListenerRegistry.class).registrations()) {
			BusListenerDefinition definition = registration.definition();
			this.queues.add(definition.queue());
			this.queues.add(definition.deadLetterQueue());
			definition.retry().levels().forEach((delay) -> this.queues.add(definition.retryQueue(delay)));
			this.exchanges.add(definition.movesExchange());
			if (!definition.headers().isEmpty()) {
				this.exchanges.add(definition.headersExchange());
			}
		}
		String exchange = context.getEnvironment().getProperty("bus.exchange");
		// The default exchange name is shared: on the secured node the MQTT plugin
		// publishes into it (devices
		// connecting while it is gone are refused) and the sample system uses it. Tests
		// use their own names elsewhere.
		if (!SecuredBroker.EXCHANGE.equals(exchange)) {
			this.exchanges.add(exchange);
		}
	}

	public void queue(String name) {
		this.queues.add(name);
	}

	public void exchange(String name) {
		this.exchanges.add(name);
	}

	@Override
	public void afterEach(ExtensionContext extensionContext) throws Exception {
		try (Rabbit rabbit = this.broker.get()) {
			for (String queue : this.queues) {
				rabbit.deleteQueue(queue);
			}
			for (String exchange : this.exchanges) {
				rabbit.deleteExchange(exchange);
			}
		}
		this.queues.clear();
		this.exchanges.clear();
	}

}
