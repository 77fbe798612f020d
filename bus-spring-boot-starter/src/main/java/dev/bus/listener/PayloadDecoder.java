package dev.bus.listener;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import org.springframework.amqp.core.MessageProperties;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.MessageRejectedException;
import dev.bus.core.BusContentTypes;
import dev.bus.core.FailureReason;
import dev.bus.core.LogValues;
import dev.bus.support.JsonMismatch;

/**
 * Decodes a message body into a listener's payload type, refusing what cannot be decoded
 * faithfully: an empty body, a body over the size limit, a content type that is not JSON
 * (except for {@code String}/{@code byte[]} parameters, which take any text or bytes),
 * malformed JSON, and JSON that does not fit the type. Each refusal is a
 * {@link MessageRejectedException} with its {@link FailureReason}'s code and a
 * description that says where and why, never quoting the payload.
 */
public class PayloadDecoder {

	private final JsonMapper jsonMapper;

	private final long maxMessageSize;

	public PayloadDecoder(JsonMapper jsonMapper, long maxMessageSize) {
		this.jsonMapper = jsonMapper;
		this.maxMessageSize = maxMessageSize;
	}

	/** Resolves a declared type once, at start-up. */
	public JavaType typeOf(Type type) {
		return this.jsonMapper.getTypeFactory().constructType(type);
	}

	/**
	 * Decodes {@code body}, as the receive chain left it, as {@code type}, by the content
	 * type in the properties.
	 */
	public Object decode(byte[] body, MessageProperties properties, JavaType type) {
		if (body == null || body.length == 0) {
			throw rejected(FailureReason.EMPTY_BODY, "message body is empty", null);
		}
		if (body.length > this.maxMessageSize) {
			throw rejected(FailureReason.OVERSIZE, "message body of " + body.length
					+ " bytes exceeds bus.listener.max-message-size (" + this.maxMessageSize + " bytes)", null);
		}
		if (type.hasRawClass(byte[].class)) {
			return body;
		}
		String contentType = properties.getContentType();
		// Plain AMQP publishers often send JSON without a content type, or as
		// application/octet-stream: it is read
		// as JSON (and dead-lettered as malformed if it is not).
		boolean json = BusContentTypes.isJson(contentType) || MessageProperties.CONTENT_TYPE_BYTES.equals(contentType);
		if (type.hasRawClass(String.class) && !json && contentType.startsWith("text/")) {
			return new String(body, StandardCharsets.UTF_8);
		}
		if (!json) {
			throw rejected(FailureReason.UNSUPPORTED_CONTENT_TYPE,
					"content type '" + contentType + "' is not JSON and the listener expects " + type.toCanonical(),
					null);
		}
		try {
			return this.jsonMapper.readValue(body, type);
		}
		catch (StreamReadException ex) {
			TokenStreamLocation location = ex.getLocation();
			throw rejected(FailureReason.MALFORMED_PAYLOAD, "body is not valid JSON" + ((location != null)
					? " at line " + location.getLineNr() + ", column " + location.getColumnNr() : ""), null);
		}
		catch (JacksonException ex) {
			// The message's own type names the version it was written as, the one to look
			// for in the publisher's code.
			String messageType = properties.getType();
			throw rejected(FailureReason.PAYLOAD_TYPE_MISMATCH,
					"JSON" + ((messageType != null) ? " of message type '" + LogValues.escape(messageType) + "'" : "")
							+ " does not fit " + type.toCanonical() + ": " + JsonMismatch.describe(ex),
					null);
		}
	}

	private static MessageRejectedException rejected(FailureReason reason, String detail, Throwable cause) {
		return new MessageRejectedException(reason.code(), detail, cause);
	}

}
