package dev.bus.testkit.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.HeadersExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The in-process broker against RabbitMQ on 127.0.0.1:5672: the same declarations and the
 * same messages go through both, and each queue must end up with the same messages,
 * dead-lettered ones with the same {@code x-death}. A difference is a behaviour the
 * in-process broker gets wrong.
 */
class InProcessBrokerAgreementIT {

	private final String run = "bus-agree-" + UUID.randomUUID().toString().substring(0, 8);

	private final List<Declarable> topology = new ArrayList<>();

	private final List<String> queues = new ArrayList<>();

	private final InProcessBroker inProcess = new InProcessBroker();

	private CachingConnectionFactory springFactory;

	private Connection connection;

	private Channel channel;

	@BeforeEach
	void connect() throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		factory.setPort(5672);
		try {
			this.connection = factory.newConnection();
		}
		catch (java.io.IOException ex) {
			throw new AssertionError("These tests need RabbitMQ on 127.0.0.1:5672: start it with scripts/infra up", ex);
		}
		this.channel = this.connection.createChannel();
		this.channel.confirmSelect();
		this.springFactory = new CachingConnectionFactory(factory);
	}

	@AfterEach
	void deleteTopology() throws Exception {
		RabbitAdmin admin = new RabbitAdmin(this.springFactory);
		this.queues.forEach(admin::deleteQueue);
		this.topology.stream()
			.filter(Exchange.class::isInstance)
			.map((exchange) -> ((Exchange) exchange).getName())
			.forEach(admin::deleteExchange);
		this.connection.close();
		this.springFactory.destroy();
		this.inProcess.close();
	}

	@Test
	void topicHeadersDirectFanoutDefaultAndAlternateExchangesRouteAlike() throws Exception {
		TopicExchange topic = exchange(ExchangeBuilder.topicExchange(name("topic")));
		for (String pattern : List.of("orders.*", "orders.#", "#", "*.created", "a.*.c", "#.c")) {
			bind(queue(QueueBuilder.durable(name("q" + pattern))), topic, pattern);
		}
		HeadersExchange headers = exchange(ExchangeBuilder.headersExchange(name("headers")));
		declare(BindingBuilder.bind(headers).to(topic).with("orders.#"));
		declare(BindingBuilder.bind(queue(QueueBuilder.durable(name("eu")))).to(headers).where("region").matches("eu"));
		declare(BindingBuilder.bind(queue(QueueBuilder.durable(name("us-or-gold"))))
			.to(headers)
			.whereAny(Map.of("region", "us", "tier", "gold"))
			.match());
		DirectExchange direct = exchange(ExchangeBuilder.directExchange(name("direct")));
		Queue k1 = queue(QueueBuilder.durable(name("k1")));
		declare(BindingBuilder.bind(k1).to(direct).with("k1"));
		FanoutExchange fanout = exchange(ExchangeBuilder.fanoutExchange(name("fanout")));
		declare(BindingBuilder.bind(queue(QueueBuilder.durable(name("f1")))).to(fanout));
		declare(BindingBuilder.bind(queue(QueueBuilder.durable(name("f2")))).to(fanout));
		TopicExchange withAlternate = exchange(ExchangeBuilder.topicExchange(name("alt")).alternate(fanout.getName()));
		bind(queue(QueueBuilder.durable(name("alt-bound"))), withAlternate, "bound.#");

		Map<String, Map<String, Object>> sent = new TreeMap<>();
		int i = 0;
		for (String key : List.of("orders.created", "orders.eu.created", "orders", "a.b.c", "a.c", "x.created", "c",
				"a.b.b.c", "orders.created.late")) {
			for (Map<String, Object> headerSet : List.<Map<String, Object>>of(Map.of("region", "eu"),
					Map.of("region", "us"), Map.of("tier", "gold"), Map.of())) {
				String id = "m" + (i++);
				sent.put(id, headerSet);
				publishToBoth(topic.getName(), key, id, headerSet, null);
			}
		}
		publishToBoth(direct.getName(), "k1", "d1", Map.of(), null);
		publishToBoth(direct.getName(), "k2", "d2-unroutable", Map.of(), null);
		publishToBoth("", k1.getName(), "default-exchange", Map.of(), null);
		publishToBoth(withAlternate.getName(), "bound.x", "alt-bound", Map.of(), null);
		publishToBoth(withAlternate.getName(), "elsewhere", "alt-to-fanout", Map.of(), null);

		assertThat(drainInProcess()).isEqualTo(drainRabbit());
	}

	@Test
	void expiredRejectedAndOverflowingMessagesAreDeadLetteredAlike() throws Exception {
		DirectExchange moves = exchange(ExchangeBuilder.directExchange(name("moves")));
		Queue target = queue(QueueBuilder.durable(name("target")));
		declare(BindingBuilder.bind(target).to(moves).with("target"));
		Queue delay = queue(QueueBuilder.durable(name("delay"))
			.ttl(100)
			.deadLetterExchange(moves.getName())
			.deadLetterRoutingKey("target"));
		Queue perMessage = queue(QueueBuilder.durable(name("per-message"))
			.deadLetterExchange(moves.getName())
			.deadLetterRoutingKey("target"));
		Queue rejecting = queue(QueueBuilder.durable(name("rejecting"))
			.deadLetterExchange(moves.getName())
			.deadLetterRoutingKey("target"));
		Queue bounded = queue(
				QueueBuilder.durable(name("bounded")).maxLength(1).overflow(QueueBuilder.Overflow.rejectPublish));
		Queue dropping = queue(QueueBuilder.durable(name("dropping"))
			.maxLength(1)
			.deadLetterExchange(moves.getName())
			.deadLetterRoutingKey("target"));

		publishToBoth("", delay.getName(), "expired-by-queue", Map.of(), null);
		publishToBoth("", perMessage.getName(), "expired-by-message", Map.of(), "50");
		publishToBoth("", rejecting.getName(), "rejected", Map.of(), null);
		publishToBoth("", bounded.getName(), "bounded-1", Map.of(), null);
		publishToBoth("", bounded.getName(), "bounded-2-refused", Map.of(), null);
		publishToBoth("", dropping.getName(), "dropped-head", Map.of(), null);
		publishToBoth("", dropping.getName(), "dropping-kept", Map.of(), null);

		// a consumer rejects without requeue on both
		GetResponse got = this.channel.basicGet(rejecting.getName(), false);
		this.channel.basicReject(got.getEnvelope().getDeliveryTag(), false);
		CompletableFuture<Long> tag = new CompletableFuture<>();
		String consumer = this.inProcess.consume(rejecting.getName(), 1,
				(message, deliveryTag) -> tag.complete(deliveryTag));
		this.inProcess.reject(tag.get(5, TimeUnit.SECONDS), false);
		this.inProcess.cancel(consumer, Duration.ofSeconds(1));

		// the TTLs run out on both (no sleep: the target queues fill when they do)
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.channel.messageCount(target.getName()) == 4
					&& this.inProcess.messageCount(target.getName()) == 4);
		assertThat(drainInProcess()).isEqualTo(drainRabbit());
	}

	/**
	 * A quorum queue counts deliveries: each requeue is redelivered with
	 * {@code x-delivery-count}, and one past the delivery limit is dead-lettered.
	 */
	@Test
	void aQuorumQueuesDeliveryLimitDeadLettersAlike() throws Exception {
		DirectExchange moves = exchange(ExchangeBuilder.directExchange(name("moves")));
		Queue target = queue(QueueBuilder.durable(name("target")));
		declare(BindingBuilder.bind(target).to(moves).with("target"));
		Queue poisoned = queue(QueueBuilder.durable(name("poisoned"))
			.quorum()
			.deliveryLimit(2)
			.deadLetterExchange(moves.getName())
			.deadLetterRoutingKey("target"));
		publishToBoth("", poisoned.getName(), "poison", Map.of(), null);

		List<String> rabbitDeliveries = new ArrayList<>();
		GetResponse response;
		while ((response = this.channel.basicGet(poisoned.getName(), false)) != null) {
			rabbitDeliveries
				.add(response.getEnvelope().isRedeliver() + " " + deliveryCount(response.getProps().getHeaders()));
			this.channel.basicReject(response.getEnvelope().getDeliveryTag(), true);
		}
		List<String> inProcessDeliveries = new java.util.concurrent.CopyOnWriteArrayList<>();
		String consumer = this.inProcess.consume(poisoned.getName(), 1, (message, deliveryTag) -> {
			inProcessDeliveries.add(message.getMessageProperties().getRedelivered() + " "
					+ deliveryCount(message.getMessageProperties().getHeaders()));
			this.inProcess.reject(deliveryTag, true);
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> this.inProcess.messageCount(target.getName()) == 1);
		this.inProcess.cancel(consumer, Duration.ofSeconds(1));

		assertThat(inProcessDeliveries).isEqualTo(rabbitDeliveries).hasSize(3);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.channel.messageCount(target.getName()) == 1);
		assertThat(drainInProcess()).isEqualTo(drainRabbit());
	}

	private static Object deliveryCount(Map<String, Object> headers) {
		return (headers != null) ? headers.get("x-delivery-count") : null;
	}

	private void publishToBoth(String exchange, String routingKey, String id, Map<String, Object> headers,
			String expiration) throws Exception {
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(id)
			.headers(new HashMap<>(headers))
			.expiration(expiration)
			.build();
		this.channel.basicPublish(exchange, routingKey, false, properties, id.getBytes(StandardCharsets.UTF_8));
		boolean acked = this.channel.waitForConfirms(5000);
		MessageProperties springProperties = new MessageProperties();
		springProperties.setMessageId(id);
		headers.forEach(springProperties::setHeader);
		springProperties.setExpiration(expiration);
		Published published = this.inProcess.publish(exchange, routingKey,
				new Message(id.getBytes(StandardCharsets.UTF_8), springProperties));
		assertThat(!published.rejected()).as("confirmed (not nacked) on both: " + id).isEqualTo(acked);
	}

	/** Each queue's messages: id, then for a dead-lettered one its first x-death. */
	private Map<String, List<String>> drainRabbit() throws Exception {
		Map<String, List<String>> contents = new TreeMap<>();
		for (String queue : this.queues) {
			List<String> messages = new ArrayList<>();
			GetResponse response;
			while ((response = this.channel.basicGet(queue, true)) != null) {
				messages.add(describe(response.getProps().getMessageId(), response.getProps().getHeaders()));
			}
			contents.put(queue, messages);
		}
		return contents;
	}

	private Map<String, List<String>> drainInProcess() {
		Map<String, List<String>> contents = new TreeMap<>();
		for (String queue : this.queues) {
			List<String> messages = new ArrayList<>();
			Message message;
			while ((message = this.inProcess.get(queue)) != null) {
				messages.add(describe(message.getMessageProperties().getMessageId(),
						message.getMessageProperties().getHeaders()));
			}
			contents.put(queue, messages);
		}
		return contents;
	}

	@SuppressWarnings("unchecked")
	private static String describe(String id, Map<String, Object> headers) {
		if (headers == null || !(headers.get("x-death") instanceof List<?> deaths) || deaths.isEmpty()) {
			return id;
		}
		Map<String, Object> death = (Map<String, Object>) deaths.get(0);
		return id + " died " + death.get("reason") + " x" + death.get("count") + " in " + death.get("queue") + " from '"
				+ death.get("exchange") + "' " + death.get("routing-keys") + ", first "
				+ headers.get("x-first-death-reason");
	}

	private String name(String suffix) {
		return this.run + "." + suffix;
	}

	@SuppressWarnings("unchecked")
	private <E extends Exchange> E exchange(ExchangeBuilder builder) {
		E exchange = (E) builder.durable(false).build();
		declare(exchange);
		return exchange;
	}

	private Queue queue(QueueBuilder builder) {
		Queue queue = builder.build();
		declare(queue);
		this.queues.add(queue.getName());
		return queue;
	}

	private void bind(Queue queue, TopicExchange exchange, String pattern) {
		declare(BindingBuilder.bind(queue).to(exchange).with(pattern));
	}

	private void declare(Declarable declarable) {
		this.topology.add(declarable);
		RabbitAdmin admin = new RabbitAdmin(this.springFactory);
		if (declarable instanceof Exchange exchange) {
			admin.declareExchange(exchange);
		}
		else if (declarable instanceof Queue queue) {
			admin.declareQueue(queue);
		}
		else {
			admin.declareBinding((Binding) declarable);
		}
		this.inProcess.declare(declarable);
	}

}
