package dev.bus.testkit;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import dev.bus.DeliveryOutcome;

/**
 * What a test sees of the application's bus: every message it published (topic, payload,
 * headers, and whether the broker confirmed it) and every delivery to its listeners with
 * how it ended (consumed, skipped, retried, dead-lettered with its reason, answered with
 * an error), awaitable without sleeps:
 *
 * <pre class="code">
 * OrderCreated created = harness.published("orders.created", OrderCreated.class).await();
 * harness.deadLettered("orders.*").withReason("forbidden").await();
 * </pre>
 *
 * A wait that runs out fails with what happened instead (topics and counts). Records are
 * cleared before each test method ({@link #reset()}). Add it to a Spring test with
 * {@link AutoConfigureBusTest}; it refuses to start outside a test.
 */
public class BusTestHarness {

	private final Recordings<PublishedMessage<Object>> published = new Recordings<>();

	private final Recordings<Delivery> deliveries = new Recordings<>();

	private final Duration timeout;

	/**
	 * @param timeout how long an await waits unless told otherwise
	 * ({@code bus.test.await-timeout})
	 */
	public BusTestHarness(Duration timeout) {
		this.timeout = timeout;
	}

	/** Confirmed messages on a topic (or pattern), whatever their payload. */
	public PublishedMessages<Object> published(String topic) {
		return published(topic, Object.class);
	}

	/** Confirmed messages on a topic (or pattern) with a payload of that type. */
	public <T> PublishedMessages<T> published(String topic, Class<T> type) {
		return new PublishedMessages<>(this.published, topic, type, (payload) -> true, this.timeout);
	}

	/** Every message published so far, confirmed or failed, in order. */
	public List<PublishedMessage<Object>> allPublished() {
		return this.published.snapshot();
	}

	/** Deliveries on a topic (or pattern) whose listener method returned normally. */
	public Deliveries delivered(String topic) {
		return deliveries(topic, EnumSet.of(DeliveryOutcome.Kind.CONSUMED));
	}

	/** Deliveries on a topic (or pattern) moved to the dead-letter queue. */
	public Deliveries deadLettered(String topic) {
		return deliveries(topic, EnumSet.of(DeliveryOutcome.Kind.DEAD_LETTERED));
	}

	/**
	 * Deliveries on a topic (or pattern) whose listener failed and that wait for a retry.
	 */
	public Deliveries retried(String topic) {
		return deliveries(topic, EnumSet.of(DeliveryOutcome.Kind.RETRIED));
	}

	/** Deliveries on a topic (or pattern) filtered out, or skipped as duplicates. */
	public Deliveries skipped(String topic) {
		return deliveries(topic, EnumSet.of(DeliveryOutcome.Kind.SKIPPED));
	}

	/**
	 * Requests on a topic (or pattern) whose listener failed, answered with the error.
	 */
	public Deliveries answeredWithError(String topic) {
		return deliveries(topic, EnumSet.of(DeliveryOutcome.Kind.ANSWERED_WITH_ERROR));
	}

	/** Deliveries on a topic (or pattern), however they ended. */
	public Deliveries deliveries(String topic) {
		return deliveries(topic, EnumSet.allOf(DeliveryOutcome.Kind.class));
	}

	/** Every delivery so far, in the order they ended. */
	public List<Delivery> allDeliveries() {
		return this.deliveries.snapshot();
	}

	/**
	 * Forgets everything recorded so far; done before each test method. A message still
	 * in flight from an earlier test may still be recorded after it.
	 */
	public void reset() {
		this.published.clear();
		this.deliveries.clear();
	}

	void recordPublished(PublishedMessage<Object> message) {
		this.published.add(message);
	}

	void recordDelivery(Delivery delivery) {
		this.deliveries.add(delivery);
	}

	private Deliveries deliveries(String topic, EnumSet<DeliveryOutcome.Kind> kinds) {
		return new Deliveries(this.deliveries, topic, kinds, null, null, this.timeout);
	}

}
