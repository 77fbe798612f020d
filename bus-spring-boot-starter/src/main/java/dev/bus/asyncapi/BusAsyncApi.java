package dev.bus.asyncapi;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.bus.annotation.BusPublishes;
import dev.bus.core.TopicPattern;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.publisher.PublishDeclarations;

/**
 * The application's AsyncAPI document, assembled once from what the context holds: its
 * listeners (from the registry) and its publications (declared with {@link BusPublishes}
 * on its beans), built on first use, after the context has refreshed.
 */
public class BusAsyncApi {

	private final Supplier<AsyncApiDocument> emptyDocument;

	private final BusListenerRegistry registry;

	private final PublishDeclarations publications;

	private final List<TopicPattern> encryptedTopics;

	private final boolean persistent;

	private volatile Map<String, Object> document;

	/**
	 * @param emptyDocument a document with its info and server, to which listeners and
	 * publications are added
	 * @param registry the listeners, or null when the application has none
	 * @param publications what the application declares it publishes
	 * @param encryptedTopics the topics encrypted end to end
	 * @param persistent whether published messages are persistent
	 */
	public BusAsyncApi(Supplier<AsyncApiDocument> emptyDocument, BusListenerRegistry registry,
			PublishDeclarations publications, List<TopicPattern> encryptedTopics, boolean persistent) {
		this.emptyDocument = emptyDocument;
		this.registry = registry;
		this.publications = publications;
		this.encryptedTopics = encryptedTopics;
		this.persistent = persistent;
	}

	/** The document, as a map ready to be written as JSON. */
	public Map<String, Object> document() {
		Map<String, Object> built = this.document;
		if (built == null) {
			built = build();
			this.document = built;
		}
		return built;
	}

	private Map<String, Object> build() {
		AsyncApiDocument document = this.emptyDocument.get();
		if (this.registry != null) {
			for (var registration : this.registry.registrations()) {
				BusListenerDefinition listener = registration.definition();
				String topic = listener.topic().toString();
				document.receives(listener.id(), topic, listener.group(), listener.queue(),
						listener.method().payloadType(), encrypted(topic));
			}
		}
		for (BusPublishes publishes : this.publications.declarations()) {
			document.sends(publishes.topic(), publishes.payload(), publishes.description(), this.persistent,
					encrypted(publishes.topic()));
		}
		return document.toMap();
	}

	private boolean encrypted(String topic) {
		return TopicPattern.anyMatches(this.encryptedTopics, topic);
	}

}
