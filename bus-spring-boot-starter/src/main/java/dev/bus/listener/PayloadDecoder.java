package dev.bus.listener;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.springframework.amqp.core.MessageProperties;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.MessageRejectedException;
import dev.bus.core.BusContentTypes;
import dev.bus.core.FailureReason;

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
			throw rejected(FailureReason.PAYLOAD_TYPE_MISMATCH,
					"JSON does not fit " + type.toCanonical() + ": " + mismatch(ex), null);
		}
	}

	/**
	 * Where the JSON does not fit and what the type expected there: the field's path and
	 * the type that declares it, never the value found, which may be confidential (an
	 * encrypted topic's payload is in clear here) and would reach the dead-letter queue's
	 * headers and the logs. Jackson's own message quotes the value, and it is not kept as
	 * the cause for that reason.
	 */
	static String mismatch(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		String declaredBy = null;
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append((path.length() > 0) ? "." : "").append(reference.getPropertyName());
				Object from = reference.from();
				declaredBy = (from instanceof Class<?> type) ? type.getSimpleName()
						: (from != null) ? from.getClass().getSimpleName() : null;
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		StringBuilder why = new StringBuilder((path.length() > 0) ? "field '" + path + "'" : "the document");
		if (declaredBy != null) {
			why.append(" of ").append(declaredBy);
		}
		if (ex instanceof UnrecognizedPropertyException) {
			why.append(" is not a field of the type");
		}
		else if (ex instanceof ValueInstantiationException instantiation) {
			why.append(": its constructor refused the values (")
				.append((instantiation.getCause() != null) ? instantiation.getCause().getClass().getSimpleName()
						: "no reason given")
				.append(')');
		}
		else if (ex instanceof MismatchedInputException input && input.getTargetType() != null) {
			why.append(" must be ").append(input.getTargetType().getSimpleName());
			if (input.getCurrentToken() != null) {
				why.append(", found ").append(tokenKind(input.getCurrentToken()));
			}
		}
		else {
			why.append(" (").append(ex.getClass().getSimpleName()).append(')');
		}
		return why.toString();
	}

	/** What kind of JSON value a token starts: a string, a number, an object... */
	private static String tokenKind(JsonToken token) {
		return switch (token) {
			case VALUE_STRING -> "a string";
			case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
			case VALUE_TRUE, VALUE_FALSE -> "a boolean";
			case VALUE_NULL -> "null";
			case START_OBJECT -> "an object";
			case START_ARRAY -> "an array";
			default -> token.name().toLowerCase(Locale.ROOT);
		};
	}

	private static MessageRejectedException rejected(FailureReason reason, String detail, Throwable cause) {
		return new MessageRejectedException(reason.code(), detail, cause);
	}

}
