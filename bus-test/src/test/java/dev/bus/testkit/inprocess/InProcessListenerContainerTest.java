package dev.bus.testkit.inprocess;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;

import dev.bus.listener.BusMessageListener.Settlement;
import dev.bus.testkit.broker.InProcessBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class InProcessListenerContainerTest {

	private final InProcessBroker broker = new InProcessBroker();

	private final Queue queue = QueueBuilder.durable("group.orders.*")
		.deadLetterExchange("group.moves")
		.deadLetterRoutingKey("group.orders.*.dlq")
		.build();

	private final Queue deadLetters = QueueBuilder.durable("group.orders.*.dlq").build();

	InProcessListenerContainerTest() {
		DirectExchange moves = new DirectExchange("group.moves");
		this.broker.declare(moves);
		this.broker.declare(this.queue);
		this.broker.declare(this.deadLetters);
		this.broker.declare(BindingBuilder.bind(this.deadLetters).to(moves).withQueueName());
	}

	@AfterEach
	void close() {
		this.broker.close();
	}

	@Test
	void eachDeliveryIsSettledAsTheListenerSaysAndARejectGoesToTheDeadLetterQueue() {
		List<String> handled = new CopyOnWriteArrayList<>();
		InProcessListenerContainer container = new InProcessListenerContainer(this.broker, this.queue.getName(), 2, 5,
				(message) -> {
					String id = message.getMessageProperties().getMessageId();
					handled.add(id);
					return id.startsWith("bad") ? Settlement.REJECT : Settlement.ACK;
				}, Duration.ofSeconds(1));
		container.start();
		assertThat(container.activeConsumers()).isEqualTo(2);
		for (String id : List.of("m-1", "bad-2", "m-3")) {
			publish(id);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 3);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.broker.messageCount(this.deadLetters.getName()) == 1);
		assertThat(this.broker.get(this.deadLetters.getName()).getMessageProperties().getMessageId())
			.isEqualTo("bad-2");
		assertThat(this.broker.messageCount(this.queue.getName())).isZero();
		container.stop();
		assertThat(container.isRunning()).isFalse();
		assertThat(container.activeConsumers()).isZero();
	}

	@Test
	void stoppingLosesNothingAndHandlesNothingTwice() throws Exception {
		CountDownLatch inHandler = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<String> handled = new CopyOnWriteArrayList<>();
		InProcessListenerContainer container = new InProcessListenerContainer(this.broker, this.queue.getName(), 1, 3,
				(message) -> {
					inHandler.countDown();
					awaitQuietly(release);
					handled.add(message.getMessageProperties().getMessageId());
					return Settlement.ACK;
				}, Duration.ofMillis(200));
		container.start();
		for (String id : List.of("m-1", "m-2", "m-3")) {
			publish(id);
		}
		assertThat(inHandler.await(5, TimeUnit.SECONDS)).isTrue();
		Thread stopping = new Thread(container::stop);
		stopping.start();
		release.countDown();
		stopping.join(5000);

		assertThat(handled).as("the delivery in flight finished").contains("m-1").doesNotHaveDuplicates();
		assertThat(this.broker.messageCount(this.queue.getName())).as("what was not handled is back in the queue")
			.isEqualTo(3 - handled.size());
		assertThat(container.activeConsumers()).isZero();
	}

	private void publish(String id) {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(id);
		this.broker.publish("", this.queue.getName(), new Message(id.getBytes(StandardCharsets.UTF_8), properties));
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
