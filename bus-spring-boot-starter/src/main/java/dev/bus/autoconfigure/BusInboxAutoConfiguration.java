package dev.bus.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.bus.inbox.InMemoryInbox;
import dev.bus.inbox.Inbox;
import dev.bus.inbox.JdbcInbox;
import dev.bus.jdbc.BusSchemaInitializer;
import dev.bus.jdbc.TableNames;
import dev.bus.support.PeriodicTask;
import dev.bus.transport.EnvelopeSender;

/**
 * The inbox of idempotent listeners: in memory by default, or a table with
 * {@code bus.inbox.store=jdbc}.
 */
@AutoConfiguration(after = BusAutoConfiguration.class, before = BusListenerAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration" })
@ConditionalOnBean(EnvelopeSender.class)
@ConditionalOnProperty(name = "bus.listener.enabled", havingValue = "true", matchIfMissing = true)
public final class BusInboxAutoConfiguration {

	/**
	 * Fails start-up when the JDBC inbox is asked for and there is no database to put it
	 * in.
	 */
	@Bean
	@ConditionalOnProperty(name = "bus.inbox.store", havingValue = "jdbc")
	static JdbcStoreRequirement busInboxRequirement(ListableBeanFactory beanFactory) {
		return new JdbcStoreRequirement("bus.inbox.store=jdbc", beanFactory);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "bus.inbox.store", havingValue = "jdbc")
	@ConditionalOnClass(value = JdbcTemplate.class, name = BusSchemaInitializer.DATABASE_INITIALIZER)
	@ConditionalOnBean({ DataSource.class, PlatformTransactionManager.class })
	static class JdbcInboxConfiguration {

		@Bean
		@ConditionalOnMissingBean(Inbox.class)
		JdbcInbox busInbox(DataSource dataSource, PlatformTransactionManager transactionManager,
				BusProperties properties) {
			return new JdbcInbox(new JdbcTemplate(dataSource), new TransactionTemplate(transactionManager),
					properties.getInbox().getJdbc().getTable(), Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean(name = "busInboxSchemaInitializer")
		BusSchemaInitializer busInboxSchemaInitializer(DataSource dataSource, BusProperties properties) {
			InboxProperties.Jdbc jdbc = properties.getInbox().getJdbc();
			return new BusSchemaInitializer(dataSource, "inbox",
					TableNames.require(jdbc.getTable(), "bus.inbox.jdbc.table"),
					DatabaseInitializationMode.valueOf(jdbc.getInitializeSchema().name()));
		}

		/** Deletes inbox rows past the retention, every cleanup interval. */
		@Bean
		@ConditionalOnBean(JdbcInbox.class)
		PeriodicTask busInboxCleaner(JdbcInbox inbox, @Qualifier("busTaskScheduler") TaskScheduler scheduler,
				BusProperties properties) {
			Duration retention = properties.getInbox().getRetention();
			return new PeriodicTask("Inbox cleanup", () -> inbox.deleteOlderThan(retention), scheduler,
					properties.getInbox().getJdbc().getCleanupInterval());
		}

	}

	@Bean
	@ConditionalOnMissingBean(Inbox.class)
	@ConditionalOnProperty(name = "bus.inbox.store", havingValue = "memory", matchIfMissing = true)
	InMemoryInbox busInMemoryInbox(BusProperties properties) {
		return new InMemoryInbox(properties.getInbox().getMaxEntries(), properties.getInbox().getRetention(),
				Clock.systemUTC());
	}

}
