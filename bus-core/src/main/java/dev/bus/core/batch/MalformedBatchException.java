package dev.bus.core.batch;

/**
 * A batch body whose framing cannot be decoded.
 */
public class MalformedBatchException extends RuntimeException {

	public MalformedBatchException(String message) {
		super(message);
	}

}
