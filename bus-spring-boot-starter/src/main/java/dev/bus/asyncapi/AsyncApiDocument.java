package dev.bus.asyncapi;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * An application's contract as an AsyncAPI 3.0 document, for teams in other languages:
 * one channel per topic or topic pattern on the Bus exchange, a {@code receive} operation
 * per listener and a {@code send} operation per declared publication, each message with
 * its payload's JSON Schema, the headers Bus sets, and whether the topic is encrypted end
 * to end ({@code x-bus-encrypted}). The document is a plain map, written as JSON by
 * whoever serves it.
 */
public final class AsyncApiDocument {

	/** The version of the AsyncAPI specification the document follows. */
	public static final String ASYNCAPI_VERSION = "3.0.0";

	private static final String AMQP_BINDING_VERSION = "0.3.0";

	private final Map<String, Object> info;

	private final String exchange;

	private final PayloadSchemas schemas;

	private final Map<String, Object> servers = new LinkedHashMap<>();

	private final Map<String, Object> securitySchemes = new LinkedHashMap<>();

	private final Map<String, Map<String, Object>> channels = new TreeMap<>();

	private final Map<String, Object> operations = new TreeMap<>();

	private final Map<String, Object> messages = new TreeMap<>();

	/**
	 * @param title the application, usually {@code spring.application.name}
	 * @param version the version of the application's contract
	 * @param description what the application does, or null
	 * @param exchange the Bus exchange every channel is on
	 * @param schemas JSON Schemas of the payload types
	 */
	public AsyncApiDocument(String title, String version, @Nullable String description, String exchange,
			PayloadSchemas schemas) {
		this.info = new LinkedHashMap<>();
		this.info.put("title", title);
		this.info.put("version", version);
		if (description != null) {
			this.info.put("description", description);
		}
		this.exchange = exchange;
		this.schemas = schemas;
	}

	/**
	 * The broker, and how an application authenticates to it.
	 * @param host {@code host:port}
	 * @param tls whether connections use TLS ({@code amqps})
	 * @param securityScheme an AsyncAPI security scheme object (for example
	 * {@code {"type": "userPassword"}})
	 */
	public AsyncApiDocument server(String host, boolean tls, Map<String, Object> securityScheme) {
		String scheme = "broker-" + securityScheme.get("type");
		this.securitySchemes.put(scheme, securityScheme);
		Map<String, Object> server = new LinkedHashMap<>();
		server.put("host", host);
		server.put("protocol", tls ? "amqps" : "amqp");
		server.put("protocolVersion", "0.9.1");
		server.put("security", List.of(Map.of("$ref", "#/components/securitySchemes/" + scheme)));
		this.servers.put("broker", server);
		return this;
	}

	/**
	 * What a listener receives.
	 * @param listenerId the listener's id, unique in the application
	 * @param topic its topic pattern
	 * @param group its group, which other instances and other applications share or not
	 * @param queue the queue its group reads
	 * @param payload the payload type of the listener method
	 * @param encrypted whether the topic's payloads are encrypted end to end
	 */
	public AsyncApiDocument receives(String listenerId, String topic, String group, String queue, Type payload,
			boolean encrypted) {
		String channel = channel(topic, encrypted);
		Map<String, Object> operation = operation("receive", channel, message(channel, payload, null));
		operation.put("summary", "Listener " + listenerId + ", group " + group);
		operation.put("bindings", Map.of("amqp", Map.of("ack", true, "bindingVersion", AMQP_BINDING_VERSION)));
		operation.put("x-bus-group", group);
		operation.put("x-bus-queue", queue);
		this.operations.put(id("receive." + listenerId), operation);
		return this;
	}

	/**
	 * What the application publishes.
	 * @param topic the topic
	 * @param payload the payload type
	 * @param description what the message means, or null
	 * @param persistent whether messages are persistent (delivery mode 2)
	 * @param encrypted whether the topic's payloads are encrypted end to end
	 */
	public AsyncApiDocument sends(String topic, Type payload, @Nullable String description, boolean persistent,
			boolean encrypted) {
		String channel = channel(topic, encrypted);
		Map<String, Object> operation = operation("send", channel, message(channel, payload, description));
		// the mandatory flag: a message no queue takes fails the publish instead of
		// vanishing
		operation.put("bindings", Map.of("amqp",
				Map.of("deliveryMode", persistent ? 2 : 1, "mandatory", true, "bindingVersion", AMQP_BINDING_VERSION)));
		this.operations.put(id("send." + topic), operation);
		return this;
	}

	/** The document, ready to be written as JSON. */
	public Map<String, Object> toMap() {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("asyncapi", ASYNCAPI_VERSION);
		document.put("info", this.info);
		document.put("defaultContentType", "application/json");
		document.put("servers", this.servers);
		document.put("channels", this.channels);
		document.put("operations", this.operations);
		Map<String, Object> components = new LinkedHashMap<>();
		components.put("messages", this.messages);
		components.put("securitySchemes", this.securitySchemes);
		document.put("components", components);
		return document;
	}

	private String channel(String topic, boolean encrypted) {
		String id = id(topic);
		Map<String, Object> channel = this.channels.computeIfAbsent(id, (key) -> {
			Map<String, Object> created = new LinkedHashMap<>();
			created.put("address", topic);
			created.put("messages", new TreeMap<String, Object>());
			created.put("bindings",
					Map.of("amqp", Map.of("is", "routingKey", "exchange",
							Map.of("name", this.exchange, "type", "topic", "durable", true, "autoDelete", false),
							"bindingVersion", AMQP_BINDING_VERSION)));
			created.put("x-bus-encrypted", encrypted);
			return created;
		});
		if (encrypted) {
			channel.put("x-bus-encrypted", true);
			channel.put("description", "Payloads are encrypted end to end (AES-256-GCM, Tink keysets): "
					+ "the payload schema is what the receiver reads after decryption.");
		}
		return id;
	}

	/**
	 * A message of the channel for the payload type: one per type, shared by the
	 * operations that use it.
	 */
	@SuppressWarnings("unchecked")
	private Map<String, Object> message(String channel, Type payload, @Nullable String description) {
		String name = PayloadSchemas.name(payload);
		String messageId = id(channel + "." + name);
		if (!this.messages.containsKey(messageId)) {
			Map<String, Object> message = new LinkedHashMap<>();
			message.put("name", name);
			message.put("contentType", this.schemas.contentType(payload));
			if (description != null && !description.isBlank()) {
				message.put("description", description);
			}
			message.put("headers", headers());
			message.put("payload", this.schemas.schemaOf(payload));
			this.messages.put(messageId, message);
		}
		((Map<String, Object>) this.channels.get(channel).get("messages")).put(name,
				Map.of("$ref", "#/components/messages/" + messageId));
		return Map.of("$ref", "#/channels/" + channel + "/messages/" + name);
	}

	private static Map<String, Object> operation(String action, String channel, Map<String, Object> message) {
		Map<String, Object> operation = new LinkedHashMap<>();
		operation.put("action", action);
		operation.put("channel", Map.of("$ref", "#/channels/" + channel));
		operation.put("messages", new ArrayList<>(List.of(message)));
		return operation;
	}

	/**
	 * The application headers Bus may set; the AMQP properties carry id, type, source,
	 * time and content type.
	 */
	private static Map<String, Object> headers() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("traceparent", text("W3C trace context of the publish, when tracing is on"));
		properties.put("bus-subject", text("The CloudEvents subject, when the publisher sets one"));
		properties.put("bus-partition-key",
				text("Messages with the same key are handled in order by ordered " + "listeners"));
		return Map.of("type", "object", "properties", properties);
	}

	private static Map<String, Object> text(String description) {
		return Map.of("type", "string", "description", description);
	}

	/**
	 * An identifier AsyncAPI accepts as a key (letters, digits, {@code .}, {@code -},
	 * {@code _}): topic wildcards become words ({@code *} as {@code _one_}, {@code #} as
	 * {@code _all_}), anything else an underscore.
	 */
	static String id(String value) {
		return value.replace("*", "_one_").replace("#", "_all_").replaceAll("[^A-Za-z0-9._-]", "_");
	}

}
