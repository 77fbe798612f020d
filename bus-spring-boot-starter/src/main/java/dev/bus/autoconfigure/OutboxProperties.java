package dev.bus.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.validation.Errors;

import static dev.bus.autoconfigure.PropertyChecks.atLeast;
import static dev.bus.autoconfigure.PropertyChecks.positive;

/** The transactional outbox. */
public class OutboxProperties {

	/**
	 * Whether BusPublisher writes to the outbox table when called inside a Spring
	 * transaction (sent by the relay once it commits). Needs spring-jdbc, a DataSource
	 * and a transaction manager.
	 */
	private boolean enabled = false;

	private final Jdbc jdbc = new Jdbc();

	/**
	 * How often the relay looks for rows besides the immediate pass after each commit on
	 * this instance (rows from other instances' crashed relays, publishes that failed).
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	/**
	 * Most rows one relay pass locks and publishes.
	 */
	private int batchSize = 500;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Jdbc getJdbc() {
		return this.jdbc;
	}

	/**
	 * The outbox table, as {@code bus.outbox.jdbc.table}; the key of earlier releases.
	 * @deprecated for {@code bus.outbox.jdbc.table}, named as the inbox's
	 */
	@Deprecated(since = "0.1.0")
	@DeprecatedConfigurationProperty(replacement = "bus.outbox.jdbc.table",
			reason = "The outbox's table settings are under bus.outbox.jdbc.*, as the inbox's are under bus.inbox.jdbc.*")
	public String getTable() {
		return this.jdbc.getTable();
	}

	@Deprecated(since = "0.1.0")
	public void setTable(String table) {
		this.jdbc.setTable(table);
	}

	/**
	 * When to create the table, as {@code bus.outbox.jdbc.initialize-schema}; the key of
	 * earlier releases.
	 * @deprecated for {@code bus.outbox.jdbc.initialize-schema}, named as the inbox's
	 */
	@Deprecated(since = "0.1.0")
	@DeprecatedConfigurationProperty(replacement = "bus.outbox.jdbc.initialize-schema",
			reason = "The outbox's table settings are under bus.outbox.jdbc.*, as the inbox's are under bus.inbox.jdbc.*")
	public SchemaInitialization getInitializeSchema() {
		return this.jdbc.getInitializeSchema();
	}

	@Deprecated(since = "0.1.0")
	public void setInitializeSchema(SchemaInitialization initializeSchema) {
		this.jdbc.setInitializeSchema(initializeSchema);
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public int getBatchSize() {
		return this.batchSize;
	}

	public void setBatchSize(int batchSize) {
		this.batchSize = batchSize;
	}

	/** Checks the values at binding time, under {@code bus.outbox}. */
	void validate(Errors errors) {
		positive(errors, "pollInterval", getPollInterval());
		atLeast(errors, "batchSize", getBatchSize(), 1);
	}

	/** The outbox's table, as {@code bus.inbox.jdbc} is the inbox's. */
	public static class Jdbc {

		/**
		 * Outbox table.
		 */
		private String table = "bus_outbox";

		/**
		 * When to create the table from the script for the database's platform, as Spring
		 * Boot's own schemas: embedded (only in an embedded database), always, or never
		 * (create it with your migrations; the scripts are in the starter's jar under
		 * dev/bus/jdbc/).
		 */
		private SchemaInitialization initializeSchema = SchemaInitialization.EMBEDDED;

		public String getTable() {
			return this.table;
		}

		public void setTable(String table) {
			this.table = table;
		}

		public SchemaInitialization getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(SchemaInitialization initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

	}

}
