package dev.bus.autoconfigure;

import java.util.List;

import com.rabbitmq.client.Address;
import tools.jackson.databind.json.JsonMapper;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.bus.discovery.SidecarBrokerAddresses;
import dev.bus.discovery.SidecarClient;
import dev.bus.discovery.SidecarMaintenance;
import dev.bus.discovery.SidecarRoutingRules;
import dev.bus.discovery.SidecarShutdownDrain;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.routing.Router;
import dev.bus.support.PeriodicTask;

/**
 * Broker discovery through the Bus sidecar, when {@code bus.sidecar-client.url} is set:
 * the connection factory Boot creates (and its publisher factory) takes its addresses
 * from the sidecar on every new connection. Without the property the app uses
 * {@code spring.rabbitmq.*} exactly as before.
 */
@AutoConfiguration(before = RabbitAutoConfiguration.class)
@ConditionalOnClass(AbstractConnectionFactory.class)
@ConditionalOnProperty("bus.sidecar-client.url")
@EnableConfigurationProperties(BusProperties.class)
public final class BusSidecarAutoConfiguration {

	private static final Log logger = LogFactory.getLog(BusSidecarAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	SidecarClient busSidecarClient(BusProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
		SidecarClientProperties sidecar = properties.getSidecarClient();
		return new SidecarClient(sidecar.getUrl(), sidecar.getTimeout(), jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	SidecarBrokerAddresses busSidecarBrokerAddresses(SidecarClient client, BusProperties properties,
			ObjectProvider<RabbitConnectionDetails> connectionDetails, RabbitProperties rabbit,
			@Qualifier("busSidecarPollScheduler") TaskScheduler pollScheduler) {
		requireTlsToDiscoveredBrokers(rabbit, properties.getSidecarClient());
		RabbitConnectionDetails details = connectionDetails.getIfAvailable();
		List<Address> fallback = (details != null)
				? details.getAddresses().stream().map((address) -> new Address(address.host(), address.port())).toList()
				: List.of(new Address("localhost", 5672));
		return new SidecarBrokerAddresses(client, fallback, properties.getSidecarClient().getWait(), pollScheduler);
	}

	/**
	 * Discovery takes broker addresses from Consul, which anyone who may register a
	 * service there can add to: the app sends its password or token only to a broker that
	 * proves its name over TLS, unless told it is a development setup (then it says so,
	 * loudly).
	 */
	static void requireTlsToDiscoveredBrokers(RabbitProperties rabbit, SidecarClientProperties sidecar) {
		if (rabbit.getSsl().determineEnabled() && rabbit.getSsl().isVerifyHostname()) {
			return;
		}
		if (!sidecar.isAllowInsecureBrokers()) {
			throw new IllegalStateException("bus.sidecar-client.url takes broker addresses from discovery, and the app "
					+ "would send its credentials to them without TLS and hostname verification: set "
					+ "spring.rabbitmq.ssl.enabled=true (and keep spring.rabbitmq.ssl.verify-hostname=true), or, on a "
					+ "development machine only, bus.sidecar-client.allow-insecure-brokers=true");
		}
		logger.warn("bus.sidecar-client.allow-insecure-brokers=true: this app sends its broker credentials to "
				+ "addresses from discovery without TLS and hostname verification; anyone who can register a service "
				+ "in Consul can receive them. Development only.");
	}

	/**
	 * Pauses every listener while the sidecar reports the instance in maintenance in
	 * Consul.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "busSidecarMaintenance")
	PeriodicTask busSidecarMaintenance(SidecarClient client, ObjectProvider<BusListenerRegistry> registry,
			@Qualifier("busTaskScheduler") TaskScheduler busTaskScheduler, BusProperties properties) {
		// The listener registry is configured after this (an app without listeners has
		// none). Not on the poll
		// scheduler: its one thread is parked in the broker long poll.
		return new PeriodicTask("Maintenance check", new SidecarMaintenance(client, registry::getIfAvailable),
				busTaskScheduler, properties.getSidecarClient().getMaintenanceInterval());
	}

	/**
	 * Takes the instance out of Consul's passing set first thing at shutdown, through the
	 * sidecar.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "bus.sidecar-client.drain-on-shutdown", matchIfMissing = true)
	SidecarShutdownDrain busSidecarShutdownDrain(SidecarClient client, BusProperties properties) {
		return new SidecarShutdownDrain(client, properties.getSidecarClient().getDrainTimeout());
	}

	/** The routing rules from the sidecar (Consul KV), beside the app's own. */
	@Bean
	@ConditionalOnMissingBean
	SidecarRoutingRules busSidecarRoutingRules(SidecarClient client, Router busRouter, BusProperties properties,
			@Qualifier("busSidecarPollScheduler") TaskScheduler pollScheduler) {
		return new SidecarRoutingRules(client, busRouter, properties.getRouting().getRuleSets(),
				properties.getSidecarClient().getWait(), pollScheduler);
	}

	/**
	 * The long polls for broker changes and routing rules, on threads of their own that
	 * live and die with the context.
	 */
	@Bean(destroyMethod = "shutdown")
	@ConditionalOnMissingBean(name = "busSidecarPollScheduler")
	ThreadPoolTaskScheduler busSidecarPollScheduler() {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		// one thread parked in each long poll: broker nodes and routing rules
		scheduler.setPoolSize(2);
		scheduler.setThreadNamePrefix("bus-sidecar-poll-");
		scheduler.setDaemon(true);
		scheduler.initialize();
		return scheduler;
	}

	/**
	 * Points the connection factory Boot creates, and its publisher factory, at the
	 * discovered addresses. A connection factory the application defines itself keeps its
	 * own addresses.
	 */
	@Bean
	BusConnectionFactoryCustomizer busSidecarAddressResolverCustomizer(
			ObjectProvider<SidecarBrokerAddresses> brokerAddresses) {
		return (connectionFactory) -> {
			SidecarBrokerAddresses addresses = brokerAddresses.getObject();
			connectionFactory.setAddressResolver(addresses);
			if (connectionFactory.getPublisherConnectionFactory() instanceof AbstractConnectionFactory publisher) {
				publisher.setAddressResolver(addresses);
			}
		};
	}

}
