package dev.bus.autoconfigure;

/** Who declares the exchanges, queues and bindings Bus uses. */
public class TopologyProperties {

	/**
	 * Whether Bus declares its topology (the bus exchange, each listener's queues, delay
	 * and dead-letter queues, the groups' moves exchanges and their bindings). False: an
	 * operator declares it (from the definitions at {@code /actuator/bus/topology}), the
	 * app needs no {@code configure} permission at all, and Bus only checks that it
	 * exists (passively), reporting what is missing in health.
	 */
	private boolean declare = true;

	public boolean isDeclare() {
		return this.declare;
	}

	public void setDeclare(boolean declare) {
		this.declare = declare;
	}

}
