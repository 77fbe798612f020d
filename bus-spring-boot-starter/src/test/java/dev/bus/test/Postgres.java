package dev.bus.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * The real PostgreSQL on 127.0.0.1:5432, database {@code bus}, as
 * {@code scripts/infra up} provides it.
 */
public final class Postgres {

	/**
	 * Properties pointing an application at it, Bus's tables created at start-up (not the
	 * default there).
	 */
	public static final String[] PROPERTIES = { "spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/bus",
			"spring.datasource.username=postgres", "spring.datasource.password=postgres",
			"bus.outbox.jdbc.initialize-schema=always", "bus.inbox.jdbc.initialize-schema=always" };

	private Postgres() {
	}

	public static void requireRunning() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", 5432), 2000);
		}
		catch (IOException ex) {
			throw new AssertionError(
					"PostgreSQL is not running on 127.0.0.1:5432. Start the test infrastructure with: scripts/infra up",
					ex);
		}
	}

	/**
	 * Adds Spring Boot's DataSource, transaction manager and JdbcTemplate to a test
	 * application.
	 */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class })
	public static class Jdbc {

	}

}
