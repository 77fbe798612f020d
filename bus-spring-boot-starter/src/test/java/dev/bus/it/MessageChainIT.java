package dev.bus.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.bus.BusMessage;
import dev.bus.BusPublishException;
import dev.bus.BusPublisher;
import dev.bus.DeliveryOutcome;
import dev.bus.MessageRejectedException;
import dev.bus.PublishPostProcessor;
import dev.bus.ReceivePostProcessor;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The message chains as a user extends them with beans, on the real broker: a tenant
 * header added on publish and checked on receive, a body transformed both ways,
 * rejections on either side, element order, and the outcome each element hears.
 */
class MessageChainIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	record Invoice(String id, long cents) {
	}

	static class Invoices {

		final Received<BusMessage<Invoice>> handled = new Received<>();

		@BusListener(topic = "invoices.*")
		void on(BusMessage<Invoice> invoice) {
			this.handled.add(invoice);
		}

	}

	/**
	 * What a user writes: a tenant header on every publish, checked on every delivery; a
	 * body encoding.
	 */
	@Configuration(proxyBeanMethods = false)
	static class TenantChain {

		final List<String> calls = new CopyOnWriteArrayList<>();

		final List<DeliveryOutcome> outcomes = new CopyOnWriteArrayList<>();

		final List<Throwable> publishOutcomes = new CopyOnWriteArrayList<>();

		@Bean
		@Order(20)
		PublishPostProcessor encodeBody() {
			return (message) -> {
				this.calls.add("encode");
				message.setBody(Base64.getEncoder().encode(message.body()));
				message.headers().put("x-encoding", "base64");
			};
		}

		@Bean
		@Order(10)
		PublishPostProcessor tenantHeader() {
			return (message) -> {
				this.calls.add("tenant");
				if (message.topic().startsWith("invoices.secret")) {
					throw new MessageRejectedException("topic-not-allowed",
							"tenants may not publish " + message.topic());
				}
				message.headers().put("tenant", "acme");
				message.onSettled(this.publishOutcomes::add);
			};
		}

		@Bean
		@Order(10)
		ReceivePostProcessor checkTenant() {
			return (message) -> {
				message.onSettled(this.outcomes::add);
				Object tenant = message.properties().getHeaders().get("tenant");
				if (tenant == null || !"acme".equals(tenant.toString())) {
					throw new MessageRejectedException("unknown-tenant", "tenant '" + tenant + "' is not served here");
				}
			};
		}

		@Bean
		@Order(20)
		ReceivePostProcessor decodeBody() {
			return (message) -> {
				Object encoding = message.properties().getHeaders().get("x-encoding");
				if (encoding != null && "base64".equals(encoding.toString())) {
					message.setBody(Base64.getDecoder().decode(message.body()));
				}
				if (new String(message.body(), StandardCharsets.UTF_8).contains("explode")) {
					throw new IllegalStateException("secret-token-xyz must never reach a header");
				}
			};
		}

	}

	@Test
	void userElementsRunInOrderAndRejectOnEitherSide() throws Exception {
		String exchange = BusContexts.uniqueName("bus-chain");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("billing"),
				List.of(Invoices.class, TenantChain.class)); Rabbit rabbit = Rabbit.connect()) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			TenantChain chain = context.getBean(TenantChain.class);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			String queue = context.getBean(BusListenerRegistry.class).registrations().get(0).definition().queue();
			String deadLetterQueue = context.getBean(BusListenerRegistry.class)
				.registrations()
				.get(0)
				.definition()
				.deadLetterQueue();

			assertThatExceptionOfType(CompletionException.class)
				.isThrownBy(() -> publisher.publish("invoices.secret", new Invoice("i-0", 1)).join())
				.havingCause()
				.isInstanceOfSatisfying(BusPublishException.class, (ex) -> {
					assertThat(ex.getReason()).isEqualTo(BusPublishException.Reason.REJECTED);
					assertThat(ex.getMessage()).contains("topic-not-allowed");
				});
			assertThat(chain.calls).as("a rejection stops the chain").containsExactly("tenant");

			publisher.publish("invoices.created", new Invoice("i-1", 1200)).join();
			assertThat(chain.calls).as("@Order decides the order").containsExactly("tenant", "tenant", "encode");
			BusMessage<Invoice> received = context.getBean(Invoices.class).handled.awaitCount(1).get(0);
			assertThat(received.payload()).as("decoded from the body the receive chain restored")
				.isEqualTo(new Invoice("i-1", 1200));
			assertThat(received.header("tenant")).isEqualTo("acme");
			await().atMost(Duration.ofSeconds(10)).until(() -> chain.publishOutcomes.size() == 1);
			assertThat(chain.publishOutcomes).as("the confirm settles the publish").containsExactly((Throwable) null);

			// A plain AMQP client without the tenant header, and a message an element
			// fails on.
			rabbit.publish(exchange, "invoices.created",
					new AMQP.BasicProperties.Builder().messageId("plain-1").contentType("application/json").build(),
					"{\"id\":\"i-2\",\"cents\":5}".getBytes(StandardCharsets.UTF_8));
			rabbit.publish(exchange, "invoices.created",
					new AMQP.BasicProperties.Builder().messageId("plain-2")
						.contentType("application/json")
						.headers(java.util.Map.of("tenant", "acme"))
						.build(),
					"{\"id\":\"explode\",\"cents\":5}".getBytes(StandardCharsets.UTF_8));
			await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(deadLetterQueue) == 2);
			GetResponse unknownTenant = rabbit.get(deadLetterQueue);
			GetResponse failed = rabbit.get(deadLetterQueue);
			assertThat(unknownTenant.getProps().getMessageId()).isEqualTo("plain-1");
			assertThat(unknownTenant.getProps().getHeaders().get(BusHeaders.FAILURE_REASON))
				.hasToString("unknown-tenant");
			assertThat(unknownTenant.getProps().getHeaders().get(BusHeaders.FAILURE_MESSAGE))
				.hasToString("tenant 'null' is not served here");
			assertThat(failed.getProps().getHeaders().get(BusHeaders.FAILURE_REASON))
				.hasToString("post-processor-failed");
			assertThat(failed.getProps().getHeaders().get(BusHeaders.FAILURE_MESSAGE).toString())
				.as("names the element and the exception class, never its message")
				.contains(IllegalStateException.class.getName())
				.doesNotContain("secret-token-xyz");
			assertThat(new String(failed.getBody(), StandardCharsets.UTF_8)).as("the original body is kept")
				.isEqualTo("{\"id\":\"explode\",\"cents\":5}");

			assertThat(context.getBean(Invoices.class).handled.items()).as("rejected messages never reach the method")
				.hasSize(1);
			assertThat(rabbit.messageCount(queue)).isZero();
			assertThat(chain.outcomes).extracting(DeliveryOutcome::kind, DeliveryOutcome::reason)
				.containsExactly(org.assertj.core.groups.Tuple.tuple(DeliveryOutcome.Kind.CONSUMED, null),
						org.assertj.core.groups.Tuple.tuple(DeliveryOutcome.Kind.DEAD_LETTERED, "unknown-tenant"),
						org.assertj.core.groups.Tuple.tuple(DeliveryOutcome.Kind.DEAD_LETTERED,
								"post-processor-failed"));
		}
	}

}
