package dev.bus.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AbstractDeclarable;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.HeadersExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.DeclarationExceptionEvent;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.config.SingletonBeanRegistry;
import org.springframework.context.ApplicationListener;

/**
 * The exchanges, queues and bindings Bus needs, as {@link Declarables} beans that only
 * Bus's own {@link RabbitAdmin} declares (explicit declarations: the application's admin
 * leaves them alone, and Bus's admin leaves the application's declarables alone).
 * spring-amqp's admin declares them on every new connection, so the topology comes back
 * after a broker restart, and an app started with the broker down declares it once the
 * broker is up.
 *
 * <p>
 * Per listener: the group queue (quorum with a delivery limit, or classic; single active
 * consumer when ordered; exclusive and auto-deleted when broadcast) dead-lettering to
 * {@code <queue>.dlq}, the DLQ itself, one delay queue per retry delay (TTL,
 * dead-lettering back to the group queue; of the group queue's type), the group's moves
 * exchange (direct, each of these queues bound by its name, and the dead-letter exchange
 * of the group queue and the delay queues: the application's only way into its own queues
 * besides the bus exchange), and the binding from the bus exchange, through a headers
 * exchange when the listener filters on headers at the broker.
 *
 * <p>
 * A bus exchange that already exists with other settings (a Python client's
 * {@code exchange_declare} makes a non-durable one by default) cannot be fixed by Bus: it
 * says so once, in one ERROR line with the fix, and reports it in
 * {@link #exchangeProblem()} for health.
 */
public class BusTopology implements ApplicationListener<DeclarationExceptionEvent> {

	private static final Log logger = LogFactory.getLog(BusTopology.class);

	private static final Pattern INEQUIVALENT_ARGUMENT = Pattern.compile("inequivalent arg '([^']+)'");

	private final RabbitAdmin admin;

	private final SingletonBeanRegistry beans;

	private final TopicExchange exchange;

	private final boolean quorumQueues;

	private final int deliveryLimit;

	private final boolean declares;

	/**
	 * Everything registered, in order: what {@link #definitions} lists and operator mode
	 * checks.
	 */
	private final List<Declarable> declarables = new CopyOnWriteArrayList<>();

	private volatile String exchangeProblem;

	/** Queues the broker has with other arguments than Bus declares, and what to do. */
	private final Map<String, String> queueProblems = new ConcurrentSkipListMap<>();

	/** Operator mode: checks that what the operator was to declare exists. */
	private final OperatorTopologyCheck check;

	/**
	 * @param admin Bus's admin, the only one that declares what this topology registers
	 * @param beans where the declarables are registered, for the admin to find
	 * @param exchange the bus exchange's name
	 * @param quorumQueues quorum (else classic) durable queues
	 * @param deliveryLimit quorum queues' delivery limit
	 * @param declares whether Bus declares the topology; otherwise an operator does, and
	 * Bus checks it exists
	 */
	public BusTopology(RabbitAdmin admin, SingletonBeanRegistry beans, String exchange, boolean quorumQueues,
			int deliveryLimit, boolean declares) {
		this.admin = admin;
		this.beans = beans;
		this.exchange = (TopicExchange) ExchangeBuilder.topicExchange(exchange).durable(true).build();
		this.quorumQueues = quorumQueues;
		this.deliveryLimit = deliveryLimit;
		this.declares = declares;
		this.check = new OperatorTopologyCheck(admin, this.declarables);
		register("bus.topology.exchange", List.of(this.exchange));
	}

	/** Adds a listener's queues and bindings. */
	public void addListener(BusListenerDefinition listener) {
		if (!this.declares && listener.broadcast()) {
			throw new IllegalStateException("Listener '" + listener.id() + "' is a broadcast listener, whose queue "
					+ "belongs to one instance and is declared by it: bus.topology.declare=false (an operator declares "
					+ "the topology) does not take broadcast listeners");
		}
		List<Declarable> declarables = new ArrayList<>();
		Queue deadLetterQueue = durable(listener.deadLetterQueue()).build();
		QueueBuilder builder = listener.broadcast() ? QueueBuilder.nonDurable(listener.queue()).exclusive().autoDelete()
				: durable(listener.queue());
		// Dead-lettered through the group's moves exchange, not the default one:
		// declaring a dead-letter exchange needs
		// write on it, and write on the default exchange would let the application reach
		// every queue by name.
		builder.deadLetterExchange(listener.movesExchange()).deadLetterRoutingKey(listener.deadLetterQueue());
		if (!listener.broadcast() && this.quorumQueues) {
			builder.deliveryLimit(this.deliveryLimit);
		}
		if (listener.ordered()) {
			builder.singleActiveConsumer();
		}
		Queue queue = builder.build();
		declarables.add(deadLetterQueue);
		declarables.add(queue);
		// The group's moves exchange: the application's own way into its queues (retries,
		// dead letters, replays),
		// which only the group's client may write to, instead of the default exchange,
		// which reaches every queue.
		DirectExchange moves = (DirectExchange) ExchangeBuilder.directExchange(listener.movesExchange())
			.durable(true)
			.build();
		declarables.add(moves);
		declarables.add(BindingBuilder.bind(deadLetterQueue).to(moves).withQueueName());
		declarables.add(BindingBuilder.bind(queue).to(moves).withQueueName());
		// Delay queues: a message sits out its TTL, then the broker dead-letters it back
		// to the listener's queue.
		// One queue per delay, so every message in a queue expires in arrival order.
		for (Duration delay : listener.retry().levels()) {
			Queue retryQueue = retryQueue(listener.retryQueue(delay), delay, moves.getName(), listener.queue());
			declarables.add(retryQueue);
			declarables.add(BindingBuilder.bind(retryQueue).to(moves).withQueueName());
		}
		String pattern = listener.topic().toString();
		if (listener.headers().isEmpty()) {
			declarables.add(BindingBuilder.bind(queue).to(this.exchange).with(pattern));
		}
		else {
			HeadersExchange filter = (HeadersExchange) ExchangeBuilder.headersExchange(listener.headersExchange())
				.durable(!listener.broadcast())
				.autoDelete()
				.build();
			declarables.add(filter);
			declarables.add(BindingBuilder.bind(filter).to(this.exchange).with(pattern));
			Map<String, Object> match = new HashMap<>(listener.headers());
			declarables.add(BindingBuilder.bind(queue).to(filter).whereAll(match).match());
		}
		register("bus.topology.listener." + listener.id(), declarables);
	}

	/**
	 * Adds (and declares now, when the broker can be reached) a routing rule's holding
	 * queue: durable and bound to nothing, so only what is put in it through the default
	 * exchange waits there (a binding to the bus exchange would hand held messages to
	 * every wildcard listener).
	 */
	public synchronized void addHoldQueue(String name) {
		String bean = "bus.topology.hold." + name;
		if (this.beans.containsSingleton(bean)) {
			return;
		}
		Queue queue = durable(name).build();
		register(bean, List.of(queue));
		if (!this.declares) {
			return;
		}
		try {
			this.admin.declareQueue(queue);
		}
		catch (AmqpException ex) {
			logger.warn("Holding queue " + name + " not declared yet (" + ex.getMessage() + "); it is declared when "
					+ "the connection opens");
		}
	}

	private void register(String name, List<Declarable> declarables) {
		declarables.forEach((declarable) -> {
			declarable.setAdminsThatShouldDeclare(this.admin);
			if (declarable instanceof AbstractDeclarable known) {
				known.setShouldDeclare(this.declares);
			}
		});
		this.declarables.addAll(declarables);
		this.beans.registerSingleton(name, new Declarables(declarables));
	}

	/**
	 * A delay queue, of the same type as the group queue: a classic queue lives on one
	 * node, and while that node is down every retry of the listener fails. A quorum one
	 * (message TTL since RabbitMQ 3.10) dead-letters at least once, so a message whose
	 * delay is over is not lost if the group queue cannot take it at that moment.
	 */
	private Queue retryQueue(String name, Duration delay, String movesExchange, String target) {
		QueueBuilder builder = durable(name).ttl((int) delay.toMillis())
			.deadLetterExchange(movesExchange)
			.deadLetterRoutingKey(target);
		if (this.quorumQueues) {
			builder.overflow(QueueBuilder.Overflow.rejectPublish)
				.withArgument("x-dead-letter-strategy", "at-least-once");
		}
		return builder.build();
	}

	private QueueBuilder durable(String name) {
		QueueBuilder builder = QueueBuilder.durable(name);
		return this.quorumQueues ? builder.quorum() : builder;
	}

	/**
	 * Declares everything now, if the broker can be reached (otherwise the admin does
	 * when a connection opens). A declaration the broker refuses (say, an existing queue
	 * with other arguments) is logged by the admin with its name and the rest still
	 * declared.
	 */
	public void declare() {
		if (!this.declares) {
			this.check.missing();
			return;
		}
		try {
			this.admin.initialize();
		}
		catch (AmqpException ex) {
			logger.warn("Broker unreachable (" + ex.getMessage()
					+ "); the bus topology is declared when the connection opens");
		}
	}

	@Override
	public void onApplicationEvent(DeclarationExceptionEvent event) {
		if (event.getSource() != this.admin) {
			return;
		}
		if (event.getDeclarable() instanceof Queue queue && this.declarables.contains(queue)) {
			queueRefused(queue, rootMessage(event));
			return;
		}
		if (event.getDeclarable() != this.exchange) {
			return;
		}
		String cause = rootMessage(event);
		String problem = cause.contains("ACCESS_REFUSED") ? accessRefused(cause) : notWhatBusNeeds(cause);
		if (!problem.equals(this.exchangeProblem)) {
			logger.error("Cannot use the bus exchange: " + problem);
		}
		this.exchangeProblem = problem;
	}

	/**
	 * A queue of Bus's that the broker already has with other arguments, as an older
	 * release declared it (RabbitMQ refuses the declaration, {@code PRECONDITION_FAILED
	 * - inequivalent arg}): its messages are safe and the listener still consumes it, but
	 * it behaves as the older release's did (its dead-lettering, delivery limit or type),
	 * and arguments cannot change in place. Said once per queue, in one ERROR line with
	 * what to do, and kept for health; not DOWN, which would take every instance of a
	 * rolling upgrade out of service for a queue that still works.
	 */
	private void queueRefused(Queue queue, String cause) {
		if (!cause.contains("PRECONDITION_FAILED")) {
			return;
		}
		Matcher argument = INEQUIVALENT_ARGUMENT.matcher(cause);
		String problem = "queue '" + queue.getName() + "' exists on the broker with "
				+ (argument.find() ? "a different " + argument.group(1) : "other arguments")
				+ " than this release declares (" + cause + "). Its messages are safe and it is still consumed, as "
				+ "the release that declared it set it up; RabbitMQ cannot change a queue's arguments in place: "
				+ "migrate it as docs/reliability.md says (\"Queues declared by an older release\")";
		if (this.queueProblems.put(queue.getName(), problem) == null) {
			logger.error("Bus queue not as declared: " + problem);
		}
	}

	/**
	 * The exchange exists with other settings (pika's {@code exchange_declare} is not
	 * durable by default).
	 */
	private String notWhatBusNeeds(String cause) {
		return "exchange '" + this.exchange.getName()
				+ "' exists on the broker but is not what Bus needs, a durable topic exchange (" + cause
				+ "). Point bus.exchange at a durable topic exchange, or delete this one so that Bus declares it; "
				+ "services in other languages sharing it declare it the same way (for example pika: "
				+ "exchange_declare(exchange='" + this.exchange.getName() + "', exchange_type='topic', durable=True))";
	}

	/**
	 * The broker user may not declare the exchange: a permission to grant
	 * ({@code configure} on it), or, where an operator declares the topology, nothing to
	 * do but check that it exists. Never advice to delete it.
	 */
	private String accessRefused(String cause) {
		return "the broker refused this application's declaration of exchange '" + this.exchange.getName() + "' ("
				+ cause + "). Grant its broker user configure on it (with OAuth2: rabbitmq.configure:<vhost>/"
				+ this.exchange.getName() + "), or have an operator declare it as a durable topic exchange";
	}

	private static String rootMessage(DeclarationExceptionEvent event) {
		Throwable cause = event.getThrowable();
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return String.valueOf(cause.getMessage());
	}

	/**
	 * Why the bus exchange cannot be used, or {@code null} when nothing is known to be
	 * wrong with it.
	 */
	public String exchangeProblem() {
		return this.exchangeProblem;
	}

	/**
	 * Queues the broker already has with other arguments than this release declares
	 * (declared by an older release), each with what to do; empty when none.
	 */
	public Map<String, String> queueProblems() {
		return Map.copyOf(this.queueProblems);
	}

	/**
	 * Operator mode: what is missing on the broker ({@link OperatorTopologyCheck});
	 * always empty when Bus declares the topology itself.
	 */
	public List<String> missing() {
		return this.declares ? List.of() : this.check.missing();
	}

	/**
	 * The topology as RabbitMQ definitions, for an operator to declare
	 * ({@link TopologyDefinitions}).
	 * @param vhost the virtual host they go in
	 */
	public Map<String, Object> definitions(String vhost) {
		return TopologyDefinitions.of(this.declarables, vhost);
	}

}
