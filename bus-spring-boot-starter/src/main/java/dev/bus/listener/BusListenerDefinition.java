package dev.bus.listener;

import java.util.List;
import java.util.Map;

import dev.bus.core.TopicPattern;
import dev.bus.failure.RetryPolicy;
import dev.bus.failure.ListenerQueues;

/**
 * Everything Bus needs to declare and run one {@code @BusListener}: resolved from the
 * annotation and the {@code bus.listener.*} defaults at start-up.
 *
 * @param id listener id ({@code <bean>.<method>} unless set)
 * @param topic topic pattern the queue is bound with
 * @param group listener group
 * @param queue queue name
 * @param deadLetterQueue dead-letter queue name
 * @param broadcast one exclusive, auto-delete queue per instance
 * @param ordered single active consumer, concurrency 1
 * @param concurrency consumers, {@code "n"} or {@code "min-max"}
 * @param prefetch unacknowledged messages per consumer
 * @param filter app-side SpEL filter, or empty
 * @param headers broker-side header match, or empty
 * @param retry retry policy ({@link RetryPolicy#NONE} for broadcast listeners)
 * @param idempotent skip messages already processed, by message id
 * @param senders the publishers and authority a message's verified publisher must have
 * @param pauseWhenDown health indicators whose DOWN pauses this listener
 * @param method the method to invoke
 */
public record BusListenerDefinition(String id, TopicPattern topic, String group, String queue, String deadLetterQueue,
		boolean broadcast, boolean ordered, String concurrency, int prefetch, String filter,
		Map<String, String> headers, RetryPolicy retry, boolean idempotent, SenderRestriction senders,
		List<String> pauseWhenDown, ListenerMethod method) implements ListenerQueues {

	/**
	 * Name of the per-listener headers exchange used for broker-side header filtering.
	 */
	public String headersExchange() {
		return this.queue + ".filter";
	}

}
