package dev.bus.sidecar.telemetry;

import java.util.UUID;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AttributeKeysTest {

	@Test
	void aNameAndTypeGetOneSharedKey() {
		assertThat(AttributeKeys.string("messaging.system")).isSameAs(AttributeKeys.string("messaging.system"));
		assertThat(AttributeKeys.number("bus.attempt")).isSameAs(AttributeKeys.number("bus.attempt"));
		assertThat(AttributeKeys.number("shared.name").getType()).isEqualTo(AttributeType.LONG);
		assertThat(AttributeKeys.string("shared.name").getType()).isEqualTo(AttributeType.STRING);
	}

	@Test
	void pastTheBoundKeysAreStillRightButNoLongerKept() {
		for (int i = 0; i <= AttributeKeys.MAX_KEYS; i++) {
			AttributeKeys.decimal("endless." + i);
		}
		String name = "endless." + UUID.randomUUID();
		AttributeKey<Double> key = AttributeKeys.decimal(name);
		assertThat(key.getKey()).isEqualTo(name);
		assertThat(key.getType()).isEqualTo(AttributeType.DOUBLE);
		assertThat(AttributeKeys.decimal(name)).isNotSameAs(key);
	}

}
