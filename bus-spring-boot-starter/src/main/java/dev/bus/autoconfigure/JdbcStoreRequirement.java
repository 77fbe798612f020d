package dev.bus.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

import dev.bus.jdbc.BusSchemaInitializer;

/**
 * Fails start-up, naming the property and what is missing, when a property asks for a
 * JDBC store (the outbox, the JDBC inbox) that the application cannot have: no
 * spring-jdbc, no {@link DataSource} or no transaction manager. Without it the store
 * would be silently left out (its configuration is conditional on those beans), and the
 * application would run without the guarantee it asked for.
 */
final class JdbcStoreRequirement implements InitializingBean {

	private static final String JDBC_TEMPLATE = "org.springframework.jdbc.core.JdbcTemplate";

	private static final String TRANSACTION_MANAGER = "org.springframework.transaction.PlatformTransactionManager";

	private final String property;

	private final ListableBeanFactory beanFactory;

	JdbcStoreRequirement(String property, ListableBeanFactory beanFactory) {
		this.property = property;
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterPropertiesSet() {
		ClassLoader classLoader = getClass().getClassLoader();
		if (!ClassUtils.isPresent(JDBC_TEMPLATE, classLoader)
				|| !ClassUtils.isPresent(BusSchemaInitializer.DATABASE_INITIALIZER, classLoader)) {
			throw missing("spring-jdbc or spring-boot-jdbc is not on the classpath: add spring-boot-starter-jdbc and "
					+ "a JDBC driver");
		}
		if (this.beanFactory.getBeanNamesForType(DataSource.class).length == 0) {
			throw missing("there is no DataSource bean: set spring.datasource.url (with spring-boot-starter-jdbc "
					+ "and a JDBC driver) or define a DataSource");
		}
		if (this.beanFactory
			.getBeanNamesForType(ClassUtils.resolveClassName(TRANSACTION_MANAGER, classLoader)).length == 0) {
			throw missing("there is no PlatformTransactionManager bean: define one for the DataSource "
					+ "(spring-boot-starter-jdbc does)");
		}
	}

	private IllegalStateException missing(String what) {
		return new IllegalStateException(this.property + " needs a database, but " + what);
	}

}
