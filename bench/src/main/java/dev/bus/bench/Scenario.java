package dev.bus.bench;

/**
 * What is measured: 256-byte payloads, one producer and one consumer, manual acks,
 * prefetch 250, publisher confirms with 200 in flight.
 */
enum Scenario {

	/** Transient messages, classic queue, as fast as confirms allow. */
	A_TRANSIENT("A", "transient, classic queue", false, false, 0),
	/** Persistent messages, durable classic queue. */
	B_CLASSIC("B-classic", "persistent, durable classic queue", true, false, 0),
	/** Persistent messages, quorum queue. */
	B_QUORUM("B-quorum", "persistent, quorum queue", true, true, 0),
	/** Fixed 5,000 msg/s, persistent, quorum queue: end-to-end latency. */
	C_LATENCY("C", "5,000 msg/s fixed rate, persistent, quorum queue", true, true, 5000),
	/**
	 * Fixed 1,000 msg/s, persistent, quorum queue: end-to-end latency where most services
	 * live.
	 */
	C_LATENCY_1K("C-1k", "1,000 msg/s fixed rate, persistent, quorum queue", true, true, 1000),
	/**
	 * Persistent, quorum queue, as fast as possible: Bus with tracing on (100% sampled)
	 * against Bus without.
	 */
	D_TRACING("D",
			"persistent, quorum queue; Bus with tracing on (every message sampled, spans exported over OTLP "
					+ "to a sidecar in the same JVM that exports them to Zipkin) against Bus without",
			true, true, 0),
	/**
	 * Fixed 1,000 msg/s through the transactional outbox: latency from the row's write to
	 * the broker's confirm.
	 */
	E_OUTBOX("E",
			"1,000 msg/s, one message per PostgreSQL transaction through the outbox; latency = row written "
					+ "in the transaction to broker confirm",
			true, true, 1000),
	/**
	 * Fixed 1,000 requests/s, one responder, transient: latency from request sent to
	 * typed reply held.
	 */
	R_REQUEST_REPLY("R", "1,000 requests/s, one responder, transient, classic queue; latency = request sent to "
			+ "typed reply held", false, false, 1000);

	final String label;

	final String description;

	final boolean persistent;

	final boolean quorum;

	/** Messages per second, or 0 for as fast as possible. */
	final int rate;

	Scenario(String label, String description, boolean persistent, boolean quorum, int rate) {
		this.label = label;
		this.description = description;
		this.persistent = persistent;
		this.quorum = quorum;
		this.rate = rate;
	}

}
