package dev.bus.autoconfigure;

import java.time.Duration;

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

}
