package dev.bus.publisher;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.beans.factory.ListableBeanFactory;

import dev.bus.annotation.BusPublishes;
import dev.bus.core.TopicPattern;

/**
 * What the application declares it publishes, with {@link BusPublishes} on its beans,
 * read once on first use (after the context has refreshed). The AsyncAPI document
 * describes these publications, and the {@code bus} endpoint lists their topics from the
 * start, so the sidecar registers them and {@code requiredScopes} names their scopes
 * before the first publish rather than after it.
 */
public class PublishDeclarations {

	private final ListableBeanFactory beans;

	private volatile List<BusPublishes> declarations;

	public PublishDeclarations(ListableBeanFactory beans) {
		this.beans = beans;
	}

	/**
	 * Every {@link BusPublishes} on the context's beans, in bean order; a topic that is
	 * not a plain topic fails.
	 */
	public List<BusPublishes> declarations() {
		List<BusPublishes> found = this.declarations;
		if (found == null) {
			found = new ArrayList<>();
			for (String name : this.beans.getBeanNamesForAnnotation(BusPublishes.class)) {
				for (BusPublishes publishes : this.beans.findAllAnnotationsOnBean(name, BusPublishes.class, false)) {
					TopicPattern.requireTopic(publishes.topic());
					found.add(publishes);
				}
			}
			found = List.copyOf(found);
			this.declarations = found;
		}
		return found;
	}

	/** The declared topics together with {@code published} ones, sorted and distinct. */
	public List<String> topicsWith(List<String> published) {
		Set<String> topics = new TreeSet<>(published);
		declarations().forEach((publishes) -> topics.add(publishes.topic()));
		return List.copyOf(topics);
	}

}
