package dev.bus.it;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;
import dev.bus.BusPublisher;
import dev.bus.PublishReceipt;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every way a publish can fail reaches the caller as a failed future with its reason, and
 * is counted.
 */
class PublishFailuresIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	@Test
	void aNackedPublishFailsAsNacked() throws Exception {
		String exchange = BusContexts.uniqueName("bus-nack");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("pub"),
				List.of()); Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(context);
			rabbit.declareTopicExchange(exchange);
			String full = BusContexts.uniqueName("full");
			this.cleanup.queue(full);
			rabbit.declareRejectingQueueBoundTo(full, exchange, "jobs.#");
			assertFailure(context.getBean(BusPublisher.class).publish("jobs.queued", "x"), Reason.NACKED);
			assertThat(context.getBean(MeterRegistry.class)
				.get("bus.publish")
				.tags("outcome", "failed", "reason", "nacked", "topic", "jobs.queued")
				.timer()
				.count()).isEqualTo(1);
		}
	}

	@Test
	void aPublishWithoutConfirmTimesOutAndTheNextOneWorksAgain() throws Exception {
		String exchange = BusContexts.uniqueName("bus-timeout");
		try (TcpProxy broker = new TcpProxy(Rabbit.PORT); Rabbit rabbit = Rabbit.connect()) {
			broker.open();
			try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("pub"),
					List.of(), "spring.rabbitmq.port=" + broker.port(), "bus.publisher.confirm-timeout=500ms")) {
				this.cleanup.track(context);
				rabbit.declareTopicExchange(exchange);
				String queue = BusContexts.uniqueName("sink");
				this.cleanup.queue(queue);
				rabbit.declareQueueBoundTo(queue, exchange, "jobs.#");
				BusPublisher publisher = context.getBean(BusPublisher.class);
				publisher.publish("jobs.queued", "warm-up").join();

				broker.freeze();
				assertFailure(publisher.publish("jobs.queued", "stalled"), Reason.TIMEOUT);
				broker.thaw();
				assertThat(publisher.publish("jobs.queued", "after").join().topic()).isEqualTo("jobs.queued");
			}
		}
	}

	@Test
	void anOversizeMessageFailsBeforeReachingTheBroker() {
		String exchange = BusContexts.uniqueName("bus-oversize");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("pub"),
				List.of(), "bus.publisher.max-message-size=1KB")) {
			this.cleanup.track(context);
			BusPublishException failure = assertFailure(
					context.getBean(BusPublisher.class).publish("jobs.queued", "x".repeat(2000)), Reason.OVERSIZE);
			assertThat(failure).hasMessageContaining("bus.publisher.max-message-size");
		}
	}

	@Test
	void anUnserialisablePayloadFailsWithItsType() {
		String exchange = BusContexts.uniqueName("bus-serialize");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("pub"),
				List.of())) {
			this.cleanup.track(context);
			BusPublishException failure = assertFailure(
					context.getBean(BusPublisher.class).publish("jobs.queued", new Unserialisable("x")),
					Reason.SERIALIZATION_FAILED);
			assertThat(failure).hasMessageContaining("Unserialisable");
		}
	}

	record Unserialisable(String value) {

		@Override
		public String value() {
			throw new IllegalStateException("cannot read value");
		}

	}

	private static BusPublishException assertFailure(CompletableFuture<PublishReceipt> future, Reason reason) {
		BusPublishException[] failure = new BusPublishException[1];
		assertThatThrownBy(future::join).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(BusPublishException.class, (ex) -> {
				assertThat(ex.getReason()).isEqualTo(reason);
				failure[0] = ex;
			});
		return failure[0];
	}

}
