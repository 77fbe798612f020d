package dev.bus.metrics;

import java.util.List;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;

import dev.bus.listener.BusListenerRegistry;

/**
 * Gauges per {@code @BusListener}, tagged {@code listener} and {@code group}, for the
 * alerts an operator sets on listeners (the chart's PrometheusRule): {@code
 * bus.listener.consumers}, its consumers now on the broker (0 while the broker is
 * unreachable, paused or stopped), and {@code bus.listener.paused}, one per cause that
 * can pause it (tag {@code cause}: {@code health}, a health indicator it depends on is
 * down; {@code maintenance}, its instance is in maintenance), 1 while that cause pauses
 * it, else 0. A series per cause from the start, not one made when a pause happens:
 * Prometheus then sees the 0 before the 1, and the tag set never changes. Registered when
 * the context has refreshed: listeners are registered once every singleton is made, in an
 * order among such callbacks that Spring does not fix. A gauge registered again (another
 * refresh) is the one already there.
 */
public class ListenerMeters implements ApplicationListener<ContextRefreshedEvent> {

	private final MeterRegistry meters;

	private final Supplier<BusListenerRegistry> listeners;

	private final List<String> pauseCauses;

	/**
	 * @param listeners the application's listeners, asked for when the context has
	 * refreshed; {@code null} from it when the application has none
	 * @param pauseCauses the causes that can pause a listener here
	 */
	public ListenerMeters(MeterRegistry meters, Supplier<BusListenerRegistry> listeners, List<String> pauseCauses) {
		this.meters = meters;
		this.listeners = listeners;
		this.pauseCauses = List.copyOf(pauseCauses);
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		BusListenerRegistry registry = this.listeners.get();
		if (registry == null) {
			return;
		}
		for (BusListenerRegistry.Registration registration : registry.registrations()) {
			String id = registration.definition().id();
			Tags tags = Tags.of("listener", id, "group", registration.definition().group());
			Gauge.builder("bus.listener.consumers", registration, BusListenerRegistry.Registration::activeConsumers)
				.description("Consumers the listener has on the broker")
				.tags(tags)
				.register(this.meters);
			for (String cause : this.pauseCauses) {
				Gauge.builder("bus.listener.paused", registry, (listeners) -> listeners.isPausedFor(id, cause) ? 1 : 0)
					.description("1 while the cause pauses the listener, else 0")
					.tags(tags.and("cause", cause))
					.register(this.meters);
			}
		}
	}

}
