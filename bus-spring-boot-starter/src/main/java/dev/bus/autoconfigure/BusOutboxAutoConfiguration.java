package dev.bus.autoconfigure;

import java.time.Clock;
import javax.sql.DataSource;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.bus.BusPublisher;
import dev.bus.jdbc.BusSchemaInitializer;
import dev.bus.jdbc.TableNames;
import dev.bus.observation.BusObservations;
import dev.bus.outbox.JdbcOutbox;
import dev.bus.outbox.OutboxBusPublisher;
import dev.bus.outbox.OutboxObserver;
import dev.bus.outbox.OutboxRelay;
import dev.bus.transport.EnvelopeSender;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.PublishRouting;
import dev.bus.reply.Requester;

/**
 * The transactional outbox ({@code bus.outbox.enabled=true}): the {@link BusPublisher}
 * writes to a table in the caller's transaction and a relay publishes committed rows.
 */
@AutoConfiguration(before = BusAutoConfiguration.class, after = RabbitAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration" })
@ConditionalOnProperty(name = "bus.outbox.enabled", havingValue = "true")
@EnableConfigurationProperties(BusProperties.class)
public final class BusOutboxAutoConfiguration {

	/**
	 * Fails start-up when the outbox is asked for and there is no database to put it in.
	 */
	@Bean
	static JdbcStoreRequirement busOutboxRequirement(ListableBeanFactory beanFactory) {
		return new JdbcStoreRequirement("bus.outbox.enabled=true", beanFactory);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(value = JdbcTemplate.class, name = BusSchemaInitializer.DATABASE_INITIALIZER)
	@ConditionalOnBean({ ConnectionFactory.class, DataSource.class, PlatformTransactionManager.class })
	static class JdbcOutboxConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JdbcOutbox busOutbox(DataSource dataSource, BusProperties properties) {
			return new JdbcOutbox(new JdbcTemplate(dataSource), properties.getOutbox().getJdbc().getTable(),
					Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean(name = "busOutboxSchemaInitializer")
		BusSchemaInitializer busOutboxSchemaInitializer(DataSource dataSource, BusProperties properties) {
			OutboxProperties.Jdbc outbox = properties.getOutbox().getJdbc();
			return new BusSchemaInitializer(dataSource, "outbox",
					TableNames.require(outbox.getTable(), "bus.outbox.jdbc.table"),
					DatabaseInitializationMode.valueOf(outbox.getInitializeSchema().name()));
		}

		@Bean
		@ConditionalOnMissingBean
		OutboxRelay busOutboxRelay(JdbcOutbox outbox, PlatformTransactionManager transactionManager,
				EnvelopeSender envelopeSender, @Qualifier("busTaskScheduler") TaskScheduler scheduler,
				ObjectProvider<OutboxObserver> observers, BusProperties properties) {
			return new OutboxRelay(outbox, new TransactionTemplate(transactionManager), envelopeSender,
					properties.getExchange(), scheduler, properties.getOutbox().getPollInterval(),
					properties.getOutbox().getBatchSize(), properties.getPublisher().getConfirmTimeout(),
					OutboxObserver.composite(observers.orderedStream().toList()));
		}

		@Bean
		@ConditionalOnMissingBean(BusPublisher.class)
		OutboxBusPublisher busPublisher(EnvelopeFactory envelopeFactory,
				ObjectProvider<BusObservations> busObservations, JdbcOutbox outbox, OutboxRelay relay,
				EnvelopeSender envelopeSender, BusProperties properties, Requester busRequester,
				PublishRouting busPublishRouting) {
			return new OutboxBusPublisher(envelopeFactory, busObservations.getIfAvailable(() -> BusObservations.NONE),
					outbox, relay, envelopeSender, properties.getExchange(), busRequester, busPublishRouting);
		}

	}

}
