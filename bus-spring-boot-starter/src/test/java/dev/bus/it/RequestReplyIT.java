package dev.bus.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublisher;
import dev.bus.BusRequestException;
import dev.bus.annotation.BusListener;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.publisher.Replies;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Request-reply between two applications on the real broker: typed replies over direct reply-to, correlated under
 * concurrency, and each failure typed and clear: no responder, a responder that throws (its class and message,
 * never its stack trace; nothing retried or dead-lettered), a reply of the wrong type, a timeout, and a reply after
 * the timeout (dropped and counted).
 */
class RequestReplyIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	record QuoteRequest(String sku, int quantity) {
	}

	record Quote(String sku, long cents) {
	}

	static class Pricing {

		static final CountDownLatch slowAnswer = new CountDownLatch(1);

		@BusListener(topic = "prices.quote")
		Object quote(QuoteRequest request) throws InterruptedException {
			switch (request.sku()) {
				case "boom" -> throw new IllegalArgumentException("unknown sku " + request.sku() + "x".repeat(5000));
				case "odd" -> {
					return "not a quote";
				}
				case "slow" -> slowAnswer.await(20, TimeUnit.SECONDS);
				default -> {
				}
			}
			return new Quote(request.sku(), 100L * request.quantity());
		}

	}

	@Test
	void aRequestGetsItsTypedReplyAndEveryFailureIsClear() throws Exception {
		String exchange = BusContexts.uniqueName("bus-rpc");
		try (ConfigurableApplicationContext pricing = BusContexts.start(exchange, "pricing", List.of(Pricing.class));
				ConfigurableApplicationContext shop = BusContexts.start(exchange, "shop", List.of())) {
			this.cleanup.track(pricing);
			BusContexts.awaitConsuming(pricing);
			BusPublisher publisher = shop.getBean(BusPublisher.class);
			Duration timeout = Duration.ofSeconds(10);

			assertThat(publisher.request("prices.quote", new QuoteRequest("sku-1", 3), Quote.class, timeout).join())
				.isEqualTo(new Quote("sku-1", 300));

			List<CompletableFuture<Quote>> concurrent = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				concurrent.add(publisher.request("prices.quote", new QuoteRequest("sku-" + i, i), Quote.class, timeout));
			}
			for (int i = 0; i < 200; i++) {
				assertThat(concurrent.get(i).join()).isEqualTo(new Quote("sku-" + i, 100L * i));
			}

			long start = System.nanoTime();
			assertThatThrownBy(() -> publisher.request("prices.none", new QuoteRequest("x", 1), Quote.class, timeout)
				.join()).cause().isInstanceOfSatisfying(BusRequestException.class,
						(ex) -> assertThat(ex.getReason()).isEqualTo(BusRequestException.Reason.NO_RESPONDER));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("at once, not at the timeout")
				.isLessThan(Duration.ofSeconds(5));

			assertThatThrownBy(() -> publisher.request("prices.quote", new QuoteRequest("boom", 1), Quote.class,
					timeout).join()).cause().isInstanceOfSatisfying(BusRequestException.class, (ex) -> {
						assertThat(ex.getReason()).isEqualTo(BusRequestException.Reason.RESPONDER_FAILED);
						assertThat(ex.getResponderError()).isEqualTo(IllegalArgumentException.class.getName());
						assertThat(ex.getMessage()).contains("unknown sku boom").doesNotContain("\tat ");
						assertThat(ex.getMessage().length()).isLessThan(2000);
					});

			assertThatThrownBy(() -> publisher.request("prices.quote", new QuoteRequest("odd", 1), Quote.class,
					timeout).join()).cause().isInstanceOfSatisfying(BusRequestException.class,
							(ex) -> assertThat(ex.getReason()).isEqualTo(BusRequestException.Reason.REPLY_MISMATCH));

			assertThatThrownBy(() -> publisher.request("prices.quote", new QuoteRequest("slow", 1), Quote.class,
					Duration.ofMillis(300)).join()).cause().isInstanceOfSatisfying(BusRequestException.class,
							(ex) -> assertThat(ex.getReason()).isEqualTo(BusRequestException.Reason.TIMEOUT));
			Pricing.slowAnswer.countDown();
			await().atMost(Duration.ofSeconds(10)).until(() -> shop.getBean(Replies.class).lateReplies() == 1);

			try (Rabbit rabbit = Rabbit.connect()) {
				String deadLetters = pricing.getBean(BusListenerRegistry.class).definitions().get(0).deadLetterQueue();
				assertThat(rabbit.messageCount(deadLetters)).as("a failed request is answered, not dead-lettered")
					.isZero();
			}
		}
	}

}
