package dev.bus.testkit.security;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.testkit.AutoConfigureBusTest;
import dev.bus.testkit.BusTestHarness;
import dev.bus.testkit.Delivery;
import dev.bus.testkit.PlainClient;
import dev.bus.testkit.broker.InProcessBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Per-message tokens and encryption in-process, with no issuer and no keyset file: the
 * application's own publishes and other services' messages, accepted and refused, as
 * production's listeners judge them.
 */
@SpringBootTest(classes = InProcessSecurityTest.Payments.class,
		properties = { "spring.application.name=secured-shop", "bus.exchange=bus-secured", "spring.rabbitmq.port=1",
				"bus.tracing.enabled=false", "bus.security.message-token.topics=payments.*",
				"bus.security.encryption.topics[0].pattern=payments.*",
				"bus.security.encryption.topics[0].keyset=test-keyset:payments" })
@AutoConfigureBusTest(inProcess = true)
class InProcessSecurityTest {

	/** A queue of the test's own on every payment, to read what the broker holds. */
	static final String WIRE_TAP = "secured-shop.wire-tap";

	record Payment(String id, int cents) {
	}

	static class Refunds {

		@PreAuthorize("hasAuthority('SCOPE_bus.refund')")
		String refund(Payment payment) {
			return SecurityContextHolder.getContext().getAuthentication().getName();
		}

	}

	static class Ledger {

		private final Refunds refunds;

		Ledger(Refunds refunds) {
			this.refunds = refunds;
		}

		@BusListener(topic = "payments.captured", id = "ledger")
		void captured(BusMessage<Payment> payment) {
		}

		@BusListener(topic = "payments.refunded", id = "refunds", publishers = "billing",
				authority = "SCOPE_bus.refund")
		void refunded(Payment payment) {
			this.refunds.refund(payment);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableMethodSecurity
	static class Payments {

		@Bean
		Refunds refunds() {
			return new Refunds();
		}

		@Bean
		Ledger ledger(Refunds refunds) {
			return new Ledger(refunds);
		}

		@Bean
		Declarables wireTap() {
			Queue queue = new Queue(WIRE_TAP, false, false, false);
			Binding binding = BindingBuilder.bind(queue).to(new TopicExchange("bus-secured")).with("payments.#");
			return new Declarables(queue, binding);
		}

	}

	@Autowired
	BusTestHarness harness;

	@Autowired
	BusPublisher publisher;

	@Autowired
	OtherServices services;

	@Autowired
	PlainClient plainClient;

	@Autowired
	InProcessBroker broker;

	@Test
	void theApplicationsOwnPublishCarriesATokenAndIsEncryptedOnTheWire() {
		this.publisher.publish("payments.captured", new Payment("p-1", 500)).join();

		Delivery delivery = this.harness.delivered("payments.captured").await();
		assertThat(delivery.payload(Payment.class)).isEqualTo(new Payment("p-1", 500));
		assertThat(delivery.message().publisher().subject()).as("its broker user, the token's subject")
			.isEqualTo("guest");
		Message onTheWire = takeFromWireTap(delivery.messageId());
		assertThat(new String(onTheWire.getBody(), StandardCharsets.ISO_8859_1)).doesNotContain("p-1");
		assertThat(onTheWire.getMessageProperties().getHeaders()).containsKeys(BusHeaders.AUTHORIZATION,
				BusHeaders.PROOF, BusHeaders.ENCRYPTION);
	}

	@Test
	void anotherServiceWithTheScopeIsTheListenersPublisher() {
		this.services.named("billing")
			.withScopes("bus.publish:payments.*")
			.publish("payments.captured", new Payment("p-2", 20));

		Delivery delivery = this.harness.delivered("payments.captured").await();
		assertThat(delivery.payload(Payment.class)).isEqualTo(new Payment("p-2", 20));
		assertThat(delivery.message().publisher().subject()).isEqualTo("billing");
		assertThat(delivery.message().publisher().scopes()).containsExactly("bus.publish:payments.*");
		assertThat(takeFromWireTap(delivery.messageId()).getMessageProperties().getHeaders())
			.as("encrypted with the topic's test keyset, as the application's own")
			.containsKey(BusHeaders.ENCRYPTION);
	}

	@Test
	void aServiceWithoutTheTopicsScopeIsRefusedForbidden() {
		this.services.named("billing")
			.withScopes("bus.publish:invoices.*")
			.publish("payments.captured", new Payment("p-3", 20));

		Delivery refused = this.harness.deadLettered("payments.captured").await();
		assertThat(refused.reason()).isEqualTo("forbidden");
		assertThat(refused.message()).as("never decoded, never handed to the method").isNull();
	}

	@Test
	void noTokenABearerTokenAnExpiredOneAndAnotherSubjectsAreRefusedUnauthenticated() {
		OtherService billing = this.services.named("billing");
		Instant lastWeek = Instant.now().minus(7, ChronoUnit.DAYS);
		billing.withoutToken().publish("payments.captured", new Payment("none", 1));
		billing.withBearerToken().publish("payments.captured", new Payment("bearer", 1));
		billing.withToken((token) -> token.validBetween(lastWeek, lastWeek.plusSeconds(300)))
			.publish("payments.captured", new Payment("expired", 1));
		billing.withToken((token) -> token.subject("treasury")).publish("payments.captured", new Payment("sub", 1));
		billing.withToken((token) -> token.audience("rabbitmq")).publish("payments.captured", new Payment("aud", 1));
		billing.withToken("not.a.token").publish("payments.captured", new Payment("garbage", 1));

		assertThat(this.harness.deadLettered("payments.captured").withReason("unauthenticated").await(6))
			.extracting(Delivery::error)
			.extracting(Throwable::getMessage)
			.anySatisfy((why) -> assertThat(why).contains("has none"))
			.anySatisfy((why) -> assertThat(why).contains("bearer token"))
			.anySatisfy((why) -> assertThat(why).contains("was not valid when its proof was made"))
			.anySatisfy((why) -> assertThat(why).contains("is not the publisher 'billing'"))
			.anySatisfy((why) -> assertThat(why).contains("aud"))
			.anySatisfy((why) -> assertThat(why).contains("does not verify"));
		assertThat(this.harness.delivered("payments.captured").list()).isEmpty();
	}

	@Test
	void aListenerRestrictedToOnePublisherAndOneAuthorityTakesOnlyThose() {
		this.services.named("billing")
			.withScopes("bus.publish:payments.*", "bus.refund")
			.publish("payments.refunded", new Payment("r-1", 5));
		this.services.named("shipping")
			.withScopes("bus.publish:payments.*", "bus.refund")
			.publish("payments.refunded", new Payment("r-2", 5));
		this.services.named("billing")
			.withScopes("bus.publish:payments.*")
			.publish("payments.refunded", new Payment("r-3", 5));

		assertThat(this.harness.delivered("payments.refunded").await().payload(Payment.class).id()).isEqualTo("r-1");
		assertThat(this.harness.deadLettered("payments.refunded").withReason("forbidden").await(2))
			.extracting(Delivery::error)
			.extracting(Throwable::getMessage)
			.anySatisfy((why) -> assertThat(why).contains("shipping"))
			.anySatisfy((why) -> assertThat(why).contains("SCOPE_bus.refund"));
	}

	@Test
	void aPlainClientsCleartextOnAnEncryptedTopicIsRefused() {
		this.plainClient.publish("payments.captured", "{\"id\":\"plain\",\"cents\":1}");

		Delivery refused = this.harness.deadLettered("payments.captured").await();
		assertThat(refused.reason()).as("no token, checked before decryption").isEqualTo("unauthenticated");
		assertThat(refused.error()).hasMessageContaining("requires a per-message token");
		assertThat(this.harness.delivered("payments.captured").list()).isEmpty();
	}

	@Test
	void anotherServiceAnswersTheApplicationsRequestsSealedAsAResponder() {
		this.services.named("billing").answers("payments.quote", Payment.class, (payment) -> {
			if (payment.cents() < 0) {
				throw new IllegalArgumentException("negative amount");
			}
			return new Payment(payment.id(), payment.cents() + 30);
		});

		Payment quoted = this.publisher
			.request("payments.quote", new Payment("q-1", 100), Payment.class, java.time.Duration.ofSeconds(5))
			.join();
		assertThat(quoted).as("decrypted request in, encrypted and proved reply out")
			.isEqualTo(new Payment("q-1", 130));
		assertThatThrownBy(() -> this.publisher
			.request("payments.quote", new Payment("q-2", -1), Payment.class, java.time.Duration.ofSeconds(5))
			.join()).hasMessageContaining("negative amount");
		assertThat(this.harness.published("payments.quote", Payment.class).await(2)).as("requests are publishes too")
			.extracting(Payment::id)
			.containsExactly("q-1", "q-2");
	}

	private Message takeFromWireTap(String messageId) {
		Message message;
		while ((message = this.broker.get(WIRE_TAP)) != null) {
			if (messageId.equals(message.getMessageProperties().getMessageId())) {
				return message;
			}
		}
		throw new AssertionError("no message " + messageId + " on the wire tap");
	}

}
