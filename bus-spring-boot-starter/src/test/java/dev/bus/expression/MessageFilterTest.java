package dev.bus.expression;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.bus.BusMessage;
import dev.bus.MessageRejectedException;
import dev.bus.core.FailureReason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MessageFilterTest {

	record Order(String region, long cents, Customer customer) {
	}

	record Customer(String tier) {
	}

	private static BusMessage<Object> message(Object payload) {
		return new BusMessage<>(payload, "m-1", "orders.created", "order-created", null, null, null, 1,
				Map.of("channel", "web"), null);
	}

	@Test
	void readsRecordPropertiesNestedPropertiesHeadersAndMapPayloads() {
		Order order = new Order("eu", 500, new Customer("gold"));
		assertThat(MessageFilter.parse("payload.region == 'eu' and payload.cents > 100").matches(message(order)))
			.isTrue();
		assertThat(MessageFilter.parse("payload.customer.tier == 'gold'").matches(message(order))).isTrue();
		assertThat(
				MessageFilter.parse("headers.channel == 'web' and topic == 'orders.created'").matches(message(order)))
			.isTrue();
		assertThat(MessageFilter.parse("payload.region == 'us'").matches(message(Map.of("region", "eu")))).isFalse();
		assertThat(MessageFilter.parse("headers['missing'] == null").matches(message(order))).isTrue();
	}

	@Test
	void cannotCallMethodsOrReachTypes() {
		Order order = new Order("eu", 500, new Customer("gold"));
		for (String hostile : new String[] { "T(java.lang.Runtime).getRuntime().exec('true') != null",
				"payload.getClass().forName('java.lang.System') != null", "new java.io.File('/tmp').delete()" }) {
			assertThatExceptionOfType(MessageRejectedException.class)
				.isThrownBy(() -> MessageFilter.parse(hostile).matches(message(order)))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(FailureReason.FILTER_ERROR.code()));
		}
	}

	@Test
	void unknownPropertiesAreAFilterErrorNotAMatch() {
		assertThatExceptionOfType(MessageRejectedException.class)
			.isThrownBy(() -> MessageFilter.parse("payload.nope == 1").matches(message(new Customer("x"))))
			.withMessageContaining("payload.nope");
	}

	@Test
	void rejectsUnparsableExpressions() {
		assertThatIllegalArgumentException().isThrownBy(() -> MessageFilter.parse("payload.region =="))
			.withMessageContaining("not a valid expression");
	}

}
