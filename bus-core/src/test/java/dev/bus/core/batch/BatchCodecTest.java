package dev.bus.core.batch;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BatchCodecTest {

	private final List<BatchEntry> entries = List.of(
			new BatchEntry(Map.of("ce_id", "1", "bus-partition-key", "customer-7"), bytes("{\"n\":1}")),
			new BatchEntry(Map.of(), new byte[0]), new BatchEntry(Map.of("ce_type", "ünïcode"), bytes("[]")));

	@Test
	void roundTripsHeadersAndBodies() {
		byte[] encoded = BatchCodec.encode(this.entries);
		List<BatchEntry> decoded = BatchCodec.decode(encoded);
		assertThat(decoded).hasSize(3);
		for (int i = 0; i < 3; i++) {
			assertThat(decoded.get(i).headers()).isEqualTo(this.entries.get(i).headers());
			assertThat(decoded.get(i).body()).isEqualTo(this.entries.get(i).body());
		}
	}

	@Test
	void encodedSizeIsExact() {
		int expected = BatchCodec.HEADER_SIZE + this.entries.stream().mapToInt(BatchEntry::encodedSize).sum();
		assertThat(BatchCodec.encode(this.entries)).hasSize(expected);
	}

	@Test
	void rejectsTruncatedBatch() {
		byte[] encoded = BatchCodec.encode(this.entries);
		assertThatExceptionOfType(MalformedBatchException.class)
			.isThrownBy(() -> BatchCodec.decode(Arrays.copyOf(encoded, encoded.length - 3)));
	}

	@Test
	void rejectsTrailingBytesAndUnknownVersion() {
		byte[] encoded = BatchCodec.encode(this.entries);
		assertThatExceptionOfType(MalformedBatchException.class)
			.isThrownBy(() -> BatchCodec.decode(Arrays.copyOf(encoded, encoded.length + 1)))
			.withMessageContaining("trailing");
		encoded[0] = 9;
		assertThatExceptionOfType(MalformedBatchException.class).isThrownBy(() -> BatchCodec.decode(encoded))
			.withMessageContaining("version 9");
	}

	@Test
	void rejectsHugeLengthWithoutAllocating() {
		byte[] evil = { BatchCodec.VERSION, 0, 0, 0, 1, 0, 0, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f };
		assertThatExceptionOfType(MalformedBatchException.class).isThrownBy(() -> BatchCodec.decode(evil))
			.withMessageContaining("invalid length");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
