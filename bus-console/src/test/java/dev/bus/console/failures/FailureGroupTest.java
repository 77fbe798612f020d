package dev.bus.console.failures;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.bus.core.operations.DeadLetter;

import static org.assertj.core.api.Assertions.assertThat;

/** What a group shows, and which of its messages came back after a retry. */
class FailureGroupTest {

	@Test
	void aGroupShowsItsCountTimesAndExceptionAsPeopleReadThem() {
		FailureGroup group = new FailureGroup("inventory", "stock.reserve", "orders.created", "handler-failed",
				"dev.bus.sample.Catalog$UnknownProductException", "2026-12-06T19:41:12.389259506Z",
				"2026-12-06T19:41:19.874Z", List.of(failed("m-1", false), failed("m-2", true)));
		assertThat(group.count()).isEqualTo(2);
		assertThat(group.failedAgain()).isEqualTo(1);
		assertThat(group.exceptionShown()).isEqualTo("Catalog$UnknownProductException");
		assertThat(group.firstSeenShown()).isEqualTo("2026-12-06 19:41:12 UTC");
		assertThat(group.key()).as("stable, so a page's forms find their group again")
			.isEqualTo(new FailureGroup("inventory", "stock.reserve", "orders.created", "handler-failed",
					"dev.bus.sample.Catalog$UnknownProductException", null, null, List.of())
				.key());
		assertThat(FailureGroup.chosen("inventory", "stock.reserve").exceptionShown()).isEqualTo("—");
	}

	@Test
	void onlyAMessageRetriedForThisListenerIsMarked() {
		RetriedMessages retried = new RetriedMessages(2);
		retried.retried("inventory", "stock.reserve", "m-1", Instant.EPOCH);
		assertThat(retried.wasRetried("inventory", "stock.reserve", "m-1")).isTrue();
		assertThat(retried.wasRetried("inventory", "other", "m-1")).isFalse();
		assertThat(retried.wasRetried("inventory", "stock.reserve", null)).isFalse();
		retried.retried("inventory", "stock.reserve", "m-2", Instant.EPOCH);
		retried.retried("inventory", "stock.reserve", "m-3", Instant.EPOCH);
		assertThat(retried.wasRetried("inventory", "stock.reserve", "m-1")).as("bounded: the oldest go first")
			.isFalse();
	}

	private static FailureGroup.Failed failed(String id, boolean again) {
		return new FailureGroup.Failed(new DeadLetter(id, "orders.created", "orders", true, null, null,
				"handler-failed", "X", "m", 3, null, null, null, 10, "application/json", true, null, Map.of()), again,
				null);
	}

}
