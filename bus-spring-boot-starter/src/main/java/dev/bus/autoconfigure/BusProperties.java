package dev.bus.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import static dev.bus.autoconfigure.PropertyChecks.nested;
import static dev.bus.autoconfigure.PropertyChecks.reject;

/**
 * Configuration of Bus, under {@code bus.*}: one tree, one class per group
 * ({@link PublisherProperties}, {@link ListenerProperties}, ...), each checking its own
 * values. Connection settings come from Spring Boot's {@code spring.rabbitmq.*}.
 */
@ConfigurationProperties("bus")
public class BusProperties implements Validator {

	/**
	 * Name of the durable topic exchange every topic is published to. Point it at an
	 * existing topic exchange to share it with other AMQP clients.
	 */
	private String exchange = "bus";

	/**
	 * CloudEvents source of published messages (the AMQP {@code app_id}); defaults to
	 * {@code /<spring.application.name>}.
	 */
	private String source;

	@NestedConfigurationProperty
	private final PublisherProperties publisher = new PublisherProperties();

	@NestedConfigurationProperty
	private final ListenerProperties listener = new ListenerProperties();

	@NestedConfigurationProperty
	private final InboxProperties inbox = new InboxProperties();

	@NestedConfigurationProperty
	private final OutboxProperties outbox = new OutboxProperties();

	@NestedConfigurationProperty
	private final SidecarClientProperties sidecarClient = new SidecarClientProperties();

	@NestedConfigurationProperty
	private final TracingProperties tracing = new TracingProperties();

	@NestedConfigurationProperty
	private final MetricsProperties metrics = new MetricsProperties();

	@NestedConfigurationProperty
	private final RoutingProperties routing = new RoutingProperties();

	@NestedConfigurationProperty
	private final SecurityProperties security = new SecurityProperties();

	@NestedConfigurationProperty
	private final AsyncApiProperties asyncapi = new AsyncApiProperties();

	@NestedConfigurationProperty
	private final TopologyProperties topology = new TopologyProperties();

	public String getExchange() {
		return this.exchange;
	}

	public void setExchange(String exchange) {
		this.exchange = exchange;
	}

	public String getSource() {
		return this.source;
	}

	public void setSource(String source) {
		this.source = source;
	}

	public PublisherProperties getPublisher() {
		return this.publisher;
	}

	public ListenerProperties getListener() {
		return this.listener;
	}

	public InboxProperties getInbox() {
		return this.inbox;
	}

	public OutboxProperties getOutbox() {
		return this.outbox;
	}

	public SidecarClientProperties getSidecarClient() {
		return this.sidecarClient;
	}

	public TracingProperties getTracing() {
		return this.tracing;
	}

	public MetricsProperties getMetrics() {
		return this.metrics;
	}

	public RoutingProperties getRouting() {
		return this.routing;
	}

	public SecurityProperties getSecurity() {
		return this.security;
	}

	public AsyncApiProperties getAsyncapi() {
		return this.asyncapi;
	}

	public TopologyProperties getTopology() {
		return this.topology;
	}

	@Override
	public boolean supports(Class<?> type) {
		return BusProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks values at binding time, so a bad value fails start-up with the property's
	 * name rather than later with a confusing broker error. Each group checks its own.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		BusProperties properties = (BusProperties) target;
		if (!StringUtils.hasText(properties.getExchange())) {
			reject(errors, "exchange", "empty", "must not be empty");
		}
		nested(errors, "publisher", properties.getPublisher()::validate);
		nested(errors, "listener", properties.getListener()::validate);
		nested(errors, "inbox", properties.getInbox()::validate);
		nested(errors, "outbox", properties.getOutbox()::validate);
		nested(errors, "sidecarClient", properties.getSidecarClient()::validate);
		nested(errors, "tracing", properties.getTracing()::validate);
		nested(errors, "metrics", properties.getMetrics()::validate);
		nested(errors, "security", properties.getSecurity()::validate);
	}

}
