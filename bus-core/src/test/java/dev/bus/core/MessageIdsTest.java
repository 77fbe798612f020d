package dev.bus.core;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessageIdsTest {

	@Test
	void idsAreVersion7UuidsCarryingTheirCreationTime() {
		long before = System.currentTimeMillis();
		UUID id = UUID.fromString(MessageIds.next());
		long after = System.currentTimeMillis();
		assertThat(id.version()).isEqualTo(7);
		assertThat(id.variant()).isEqualTo(2);
		assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
	}

	@Test
	void idsSortByCreationTime() {
		long earlier = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();
		UUID first = MessageIds.next(earlier);
		UUID second = MessageIds.next(earlier + 1);
		assertThat(first.toString()).isLessThan(second.toString());
	}

	@Test
	void idsCreatedInTheSameMillisecondOnManyThreadsAreDistinct() throws Exception {
		long millis = System.currentTimeMillis();
		Set<UUID> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
		Thread[] threads = new Thread[4];
		for (int t = 0; t < threads.length; t++) {
			threads[t] = new Thread(() -> {
				for (int i = 0; i < 50_000; i++) {
					ids.add(MessageIds.next(millis));
				}
			});
			threads[t].start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(ids).hasSize(200_000);
		Set<Long> timestamps = new HashSet<>();
		ids.forEach((id) -> timestamps.add(id.getMostSignificantBits() >>> 16));
		assertThat(timestamps).containsExactly(millis);
	}

	@Test
	void anIdFromContentIsAVersion5UuidThatOtherLanguagesDeriveAlike() {
		byte[] body = "{\"celsius\":21.5}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		String id = MessageIds.fromContent("sensors.t1", body);
		// Python: uuid.UUID(bytes=hashlib.sha1(namespace.bytes + b"sensors.t1\0" +
		// body).digest()[:16], version=5)
		assertThat(id).isEqualTo("0755b34e-cc17-57cd-a1b8-01259e78574d");
		assertThat(UUID.fromString(id).version()).isEqualTo(5);
		assertThat(MessageIds.fromContent("sensors.t1", body.clone())).isEqualTo(id);
		assertThat(MessageIds.fromContent("sensors.t2", body)).isNotEqualTo(id);
		assertThat(MessageIds.fromContent("sensors.t1", "{\"celsius\":21.6}".getBytes())).isNotEqualTo(id);
		assertThat(MessageIds.fromContent("sensors.t", "1{}".getBytes()))
			.isNotEqualTo(MessageIds.fromContent("sensors.t1", "{}".getBytes()));
	}

}
