package dev.bus.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogValuesTest {

	@Test
	void aValueCannotEndTheLineOrHideWhatItSays() {
		assertThat(LogValues.escape("m-1\n2026-12-06 INFO forged line\r"))
			.isEqualTo("m-1\\n2026-12-06 INFO forged line\\r");
		assertThat(LogValues.escape("a\u2028b\u0085c\u202ed\u0000")).isEqualTo("a\\u2028b\\u0085c\\u202ed\\u0000");
		assertThat(LogValues.escape("tab\there")).isEqualTo("tab\\there");
	}

	@Test
	void plainValuesAreUnchangedAndLongOnesCut() {
		assertThat(LogValues.escape("orders.created")).isEqualTo("orders.created");
		assertThat(LogValues.escape(null)).isEqualTo("null");
		String cut = LogValues.escape("x".repeat(1000));
		assertThat(cut).hasSize(LogValues.MAX_LENGTH + 3).endsWith("...");
		assertThat(LogValues.escape("\n".repeat(300))).startsWith("\\n\\n")
			.endsWith("...")
			.hasSize(2 * LogValues.MAX_LENGTH + 3);
	}

}
