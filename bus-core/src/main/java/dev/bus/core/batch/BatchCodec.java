package dev.bus.core.batch;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format of a batch message ({@code application/vnd.bus.batch}): many logical
 * messages, each with its own headers, packed into one AMQP body so that one publish, one
 * confirm and one delivery carry them all.
 *
 * <pre>
 * batch  := version:u8 count:i32 entry{count}
 * entry  := headerCount:i32 (string string){headerCount} bodyLength:i32 body
 * string := length:i32 utf8-bytes
 * </pre>
 *
 * Decoding is strict: any inconsistency raises {@link MalformedBatchException} rather
 * than yielding partial entries, so a corrupt batch is dead-lettered whole instead of
 * being half-processed.
 */
public final class BatchCodec {

	/** Format version written in the first byte; bumped on incompatible change. */
	public static final byte VERSION = 1;

	/** Fixed bytes in front of the entries: version and count. */
	public static final int HEADER_SIZE = 1 + Integer.BYTES;

	private BatchCodec() {
	}

	public static byte[] encode(List<BatchEntry> entries) {
		int size = HEADER_SIZE;
		for (BatchEntry entry : entries) {
			size += entry.encodedSize();
		}
		ByteBuffer buffer = ByteBuffer.allocate(size);
		buffer.put(VERSION).putInt(entries.size());
		for (BatchEntry entry : entries) {
			buffer.putInt(entry.headers().size());
			entry.headers().forEach((key, value) -> {
				putString(buffer, key);
				putString(buffer, value);
			});
			buffer.putInt(entry.body().length).put(entry.body());
		}
		return buffer.array();
	}

	public static List<BatchEntry> decode(byte[] batch) {
		try {
			ByteBuffer buffer = ByteBuffer.wrap(batch);
			byte version = buffer.get();
			if (version != VERSION) {
				throw new MalformedBatchException("unsupported batch format version " + version);
			}
			int count = nonNegative(buffer.getInt(), buffer);
			List<BatchEntry> entries = new ArrayList<>(Math.min(count, 1024));
			for (int i = 0; i < count; i++) {
				int headerCount = nonNegative(buffer.getInt(), buffer);
				Map<String, String> headers = new LinkedHashMap<>();
				for (int h = 0; h < headerCount; h++) {
					headers.put(getString(buffer), getString(buffer));
				}
				byte[] body = new byte[nonNegative(buffer.getInt(), buffer)];
				buffer.get(body);
				entries.add(new BatchEntry(headers, body));
			}
			if (buffer.hasRemaining()) {
				throw new MalformedBatchException(buffer.remaining() + " trailing bytes after " + count + " entries");
			}
			return entries;
		}
		catch (BufferUnderflowException ex) {
			throw new MalformedBatchException("batch is truncated");
		}
	}

	static int stringSize(String value) {
		return Integer.BYTES + value.getBytes(StandardCharsets.UTF_8).length;
	}

	private static void putString(ByteBuffer buffer, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		buffer.putInt(bytes.length).put(bytes);
	}

	private static String getString(ByteBuffer buffer) {
		byte[] bytes = new byte[nonNegative(buffer.getInt(), buffer)];
		buffer.get(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * A length must be non-negative and fit in what is left, so a corrupt length cannot
	 * allocate gigabytes.
	 */
	private static int nonNegative(int length, ByteBuffer buffer) {
		if (length < 0 || length > buffer.remaining()) {
			throw new MalformedBatchException(
					"invalid length " + length + " with " + buffer.remaining() + " bytes left");
		}
		return length;
	}

}
