package dev.bus.listener;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Where an operator declares Bus's topology ({@code bus.topology.declare=false}), checks
 * without declaring anything ({@code exchange.declare} and {@code queue.declare} passive,
 * which need no {@code configure} permission) that the exchanges and queues exist.
 * Bindings cannot be checked that way: a missing one shows as messages not arriving. The
 * check runs again while something is missing or the broker could not be asked, so health
 * recovers once the operator has declared them; one ERROR line says what is missing when
 * that changes.
 */
final class OperatorTopologyCheck {

	private static final Log logger = LogFactory.getLog(OperatorTopologyCheck.class);

	private final RabbitAdmin admin;

	private final List<Declarable> declarables;

	/**
	 * What the last check found missing; {@code null} until a check reached the broker.
	 */
	private volatile List<String> missing;

	OperatorTopologyCheck(RabbitAdmin admin, List<Declarable> declarables) {
		this.admin = admin;
		this.declarables = declarables;
	}

	/**
	 * What is missing: the last answer once all was there, else a new check (empty when
	 * the broker is down).
	 */
	List<String> missing() {
		List<String> known = this.missing;
		return (known != null && known.isEmpty()) ? known : check();
	}

	private List<String> check() {
		List<String> absent = new ArrayList<>();
		try {
			for (Declarable declarable : this.declarables) {
				if (declarable instanceof Exchange exchange && !exchangeExists(exchange.getName())) {
					absent.add("exchange '" + exchange.getName() + "'");
				}
				else if (declarable instanceof Queue queue && this.admin.getQueueInfo(queue.getName()) == null) {
					absent.add("queue '" + queue.getName() + "'");
				}
			}
		}
		catch (AmqpException ex) {
			logger.warn("Cannot check the topology an operator declares (" + ex.getMessage() + "); checking again "
					+ "when health is asked");
			this.missing = null;
			return List.of();
		}
		List<String> result = List.copyOf(absent);
		if (!result.isEmpty() && !result.equals(this.missing)) {
			logger.error("bus.topology.declare=false and the broker lacks " + String.join(", ", result)
					+ ": an operator declares them from the definitions at /actuator/bus/topology");
		}
		this.missing = result;
		return result;
	}

	private boolean exchangeExists(String name) {
		try {
			return Boolean.TRUE.equals(this.admin.getRabbitTemplate().execute((channel) -> {
				channel.exchangeDeclarePassive(name);
				return true;
			}));
		}
		catch (AmqpException ex) {
			if (isNotFound(ex)) {
				return false;
			}
			throw ex;
		}
	}

	private static boolean isNotFound(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (String.valueOf(cause.getMessage()).contains("NOT_FOUND")) {
				return true;
			}
		}
		return false;
	}

}
