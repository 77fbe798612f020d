package dev.bus.core.batch;

import java.util.Map;

/**
 * One logical message inside a batch: its own headers (message id, type, partition key,
 * trace context...) and its body.
 */
public record BatchEntry(Map<String, String> headers, byte[] body) {

	public BatchEntry {
		headers = Map.copyOf(headers);
	}

	/** Bytes this entry takes in the encoded batch. */
	public int encodedSize() {
		int size = Integer.BYTES * 2 + this.body.length;
		for (Map.Entry<String, String> header : this.headers.entrySet()) {
			size += BatchCodec.stringSize(header.getKey()) + BatchCodec.stringSize(header.getValue());
		}
		return size;
	}

}
