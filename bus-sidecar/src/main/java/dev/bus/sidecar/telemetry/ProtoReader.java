package dev.bus.sidecar.telemetry;

import java.nio.charset.StandardCharsets;

/**
 * Reads the protobuf wire format (the few types OTLP uses), over one message's bytes.
 * Every read is bounds checked: a truncated or corrupt request fails with
 * {@link MalformedOtlpException}, never an index error or a huge allocation.
 */
final class ProtoReader {

	static final int VARINT = 0;

	static final int FIXED64 = 1;

	static final int LENGTH_DELIMITED = 2;

	static final int FIXED32 = 5;

	private final byte[] bytes;

	private int position;

	private final int limit;

	ProtoReader(byte[] bytes) {
		this(bytes, 0, bytes.length);
	}

	private ProtoReader(byte[] bytes, int offset, int limit) {
		this.bytes = bytes;
		this.position = offset;
		this.limit = limit;
	}

	boolean hasMore() {
		return this.position < this.limit;
	}

	/**
	 * The next field's tag: field number in the high bits, wire type in the low three.
	 */
	int tag() {
		long tag = varint();
		if (tag <= 0 || tag > Integer.MAX_VALUE) {
			throw new MalformedOtlpException("invalid field tag " + tag);
		}
		return (int) tag;
	}

	static int field(int tag) {
		return tag >>> 3;
	}

	static int wireType(int tag) {
		return tag & 7;
	}

	long varint() {
		long result = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			byte b = next();
			result |= (long) (b & 0x7F) << shift;
			if ((b & 0x80) == 0) {
				return result;
			}
		}
		throw new MalformedOtlpException("varint longer than 10 bytes");
	}

	long fixed64() {
		require(8);
		long value = 0;
		for (int i = 0; i < 8; i++) {
			value |= (this.bytes[this.position++] & 0xFFL) << (8 * i);
		}
		return value;
	}

	int fixed32() {
		require(4);
		int value = 0;
		for (int i = 0; i < 4; i++) {
			value |= (this.bytes[this.position++] & 0xFF) << (8 * i);
		}
		return value;
	}

	byte[] bytes() {
		int length = length();
		byte[] value = java.util.Arrays.copyOfRange(this.bytes, this.position, this.position + length);
		this.position += length;
		return value;
	}

	String string() {
		int length = length();
		String value = new String(this.bytes, this.position, length, StandardCharsets.UTF_8);
		this.position += length;
		return value;
	}

	/**
	 * A reader over the next length-delimited field (an embedded message); this reader
	 * moves past it.
	 */
	ProtoReader message() {
		int length = length();
		ProtoReader nested = new ProtoReader(this.bytes, this.position, this.position + length);
		this.position += length;
		return nested;
	}

	/** Skips a field this decoder does not use. */
	void skip(int wireType) {
		switch (wireType) {
			case VARINT -> varint();
			case FIXED64 -> advance(8);
			case LENGTH_DELIMITED -> advance(length());
			case FIXED32 -> advance(4);
			default -> throw new MalformedOtlpException("unsupported wire type " + wireType);
		}
	}

	private int length() {
		long length = varint();
		if (length < 0 || length > this.limit - this.position) {
			throw new MalformedOtlpException("length " + length + " runs past the end of the message");
		}
		return (int) length;
	}

	private void advance(int count) {
		require(count);
		this.position += count;
	}

	private void require(int count) {
		if (count > this.limit - this.position) {
			throw new MalformedOtlpException("message truncated");
		}
	}

	private byte next() {
		require(1);
		return this.bytes[this.position++];
	}

}
