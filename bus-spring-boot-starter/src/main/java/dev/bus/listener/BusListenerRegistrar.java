package dev.bus.listener;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.StringUtils;

import dev.bus.annotation.BusListener;
import dev.bus.core.TopicPattern;
import dev.bus.expression.MessageFilter;
import dev.bus.inbox.Inbox;
import dev.bus.observation.BusObservations;
import dev.bus.transport.CoalescedAcks;
import dev.bus.reply.Responder;
import dev.bus.failure.DeliveryOrigins;
import dev.bus.failure.RetryPolicy;
import dev.bus.failure.FailureHandling;

/**
 * Turns a {@code @BusListener} method into a {@link BusListenerDefinition} (annotation
 * attributes over {@code bus.listener.*} defaults, placeholders resolved), builds its
 * {@link BusMessageListener} and registers both. Every invalid declaration fails start-up
 * with the method's name.
 */
public class BusListenerRegistrar {

	private final BusListenerRegistry registry;

	private final ListenerSettings defaults;

	private final PropertyResolver propertyResolver;

	private final PayloadDecoder decoder;

	private final FailureHandling failures;

	private final BusObservations observations;

	private final Inbox inbox;

	private final ReceiveChain chain;

	private final Responder responder;

	private final DeliveryOrigins origins;

	private final SenderRestrictionCheck senderCheck;

	/** Distinguishes this instance's broadcast queues from other instances'. */
	private final String instanceId = UUID.randomUUID().toString().substring(0, 8);

	public BusListenerRegistrar(BusListenerRegistry registry, ListenerSettings defaults,
			PropertyResolver propertyResolver, PayloadDecoder decoder, FailureHandling failures,
			BusObservations observations, Inbox inbox, ReceiveChain chain, Responder responder, DeliveryOrigins origins,
			SenderRestrictionCheck senderCheck) {
		this.senderCheck = senderCheck;
		this.origins = origins;
		this.chain = chain;
		this.responder = responder;
		this.registry = registry;
		this.defaults = defaults;
		this.propertyResolver = propertyResolver;
		this.decoder = decoder;
		this.failures = failures;
		this.observations = observations;
		this.inbox = inbox;
	}

	public BusListenerDefinition register(String beanName, Object bean, Method method, BusListener annotation) {
		BusListenerDefinition definition;
		MessageFilter filter;
		try {
			definition = define(beanName, bean, method, annotation);
			filter = StringUtils.hasText(definition.filter()) ? MessageFilter.parse(definition.filter()) : null;
		}
		catch (IllegalArgumentException ex) {
			throw ListenerMethod.invalid(method, ex.getMessage());
		}
		this.senderCheck.restrict(definition.id(), definition.senders());
		this.registry.register(definition, new BusMessageListener(definition, this.decoder, filter, this.failures,
				this.observations, this.inbox, this.chain, acks(definition), this.responder, this.origins));
		return definition;
	}

	/**
	 * Coalesced acks on the direct container, at most half the prefetch per ack so the
	 * broker keeps sending while an ack is on its way; one ack per message on the simple
	 * container, which has no monitor to send stragglers.
	 */
	private CoalescedAcks acks(BusListenerDefinition definition) {
		if (!this.defaults.directContainer()) {
			return CoalescedAcks.immediate();
		}
		int messagesPerAck = Math.min(this.defaults.messagesPerAck(), definition.prefetch() / 2);
		return new CoalescedAcks(Math.max(1, messagesPerAck), this.defaults.ackTimeout().toMillis());
	}

	private BusListenerDefinition define(String beanName, Object bean, Method method, BusListener annotation) {
		ListenerMethod listenerMethod = ListenerMethod.of(bean, method);
		TopicPattern topic = TopicPattern.of(resolve(annotation.topic()));
		String group = resolve(annotation.group());
		if (!StringUtils.hasText(group)) {
			group = defaultGroup();
		}
		String id = StringUtils.hasText(annotation.id()) ? resolve(annotation.id()) : beanName + "." + method.getName();
		String base = group + "." + topic;
		String queue = annotation.broadcast() ? base + "." + this.instanceId : base;
		String deadLetterQueue = annotation.broadcast() ? base + ".broadcast.dlq" : base + ".dlq";
		String concurrency = annotation.ordered() ? "1" : StringUtils.hasText(annotation.concurrency())
				? resolve(annotation.concurrency()) : this.defaults.concurrency();
		BusListenerRegistry.Concurrency.parse(concurrency);
		int prefetch = (annotation.prefetch() >= 0) ? annotation.prefetch() : this.defaults.prefetch();
		if (prefetch < 1) {
			throw new IllegalArgumentException("prefetch must be at least 1, was " + prefetch);
		}
		// A broadcast queue belongs to one instance and may be gone when a delay expires:
		// no broker retries there.
		RetryPolicy retry = annotation.broadcast() ? RetryPolicy.NONE : retryPolicy(annotation);
		return new BusListenerDefinition(id, topic, group, queue, deadLetterQueue, annotation.broadcast(),
				annotation.ordered(), concurrency, prefetch, resolve(annotation.filter()),
				headers(annotation.headers()), retry, annotation.idempotent(),
				SenderRestriction.of(Arrays.stream(annotation.publishers()).map(this::resolve).toList(),
						resolve(annotation.authority())),
				pauseWhenDown(annotation), listenerMethod);
	}

	private RetryPolicy retryPolicy(BusListener annotation) {
		ListenerSettings.Retry defaults = this.defaults.retry();
		int maxAttempts = (annotation.maxAttempts() >= 0) ? annotation.maxAttempts() : defaults.maxAttempts();
		Duration initial = StringUtils.hasText(annotation.initialInterval())
				? DurationStyle.detectAndParse(resolve(annotation.initialInterval())) : defaults.initialInterval();
		double multiplier = (annotation.multiplier() >= 0) ? annotation.multiplier() : defaults.multiplier();
		Duration max = StringUtils.hasText(annotation.maxInterval())
				? DurationStyle.detectAndParse(resolve(annotation.maxInterval())) : defaults.maxInterval();
		List<Class<? extends Throwable>> retryFor = (annotation.retryFor().length > 0) ? List.of(annotation.retryFor())
				: defaults.retryable();
		List<Class<? extends Throwable>> noRetryFor = new ArrayList<>(defaults.notRetryable());
		noRetryFor.addAll(List.of(annotation.noRetryFor()));
		return RetryPolicy.exponential(maxAttempts, initial, multiplier, max, retryFor, noRetryFor);
	}

	private String defaultGroup() {
		String group = StringUtils.hasText(this.defaults.group()) ? this.defaults.group()
				: this.propertyResolver.getProperty("spring.application.name");
		if (!StringUtils.hasText(group)) {
			throw new IllegalArgumentException("no listener group: set 'group' on the annotation, or the property "
					+ "bus.listener.group or spring.application.name");
		}
		return group;
	}

	private Map<String, String> headers(String[] pairs) {
		Map<String, String> headers = new LinkedHashMap<>();
		for (String pair : pairs) {
			String resolved = resolve(pair);
			int equals = resolved.indexOf('=');
			if (equals < 1) {
				throw new IllegalArgumentException("headers entry '" + resolved + "' must have the form name=value");
			}
			headers.put(resolved.substring(0, equals).trim(), resolved.substring(equals + 1).trim());
		}
		return headers;
	}

	/** The defaults' indicators and the annotation's, once each. */
	private List<String> pauseWhenDown(BusListener annotation) {
		java.util.Set<String> names = new java.util.LinkedHashSet<>(this.defaults.pauseWhenDown());
		Arrays.stream(annotation.pauseWhenDown()).map(this::resolve).forEach(names::add);
		return List.copyOf(names);
	}

	private String resolve(String value) {
		return this.propertyResolver.resolveRequiredPlaceholders(value);
	}

}
