package dev.bus.testkit.inprocess;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;
import dev.bus.testkit.broker.InProcessBroker;
import dev.bus.transport.Envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InProcessSenderTest {

	private final InProcessBroker broker = new InProcessBroker();

	private final InProcessSender sender = new InProcessSender(this.broker, "orders-app", (properties, body) -> {
	});

	private final TopicExchange bus = new TopicExchange("bus");

	private final Queue orders = QueueBuilder.durable("inventory.orders.*").build();

	InProcessSenderTest() {
		this.broker.declare(this.bus);
		this.broker.declare(this.orders);
		this.broker.declare(BindingBuilder.bind(this.orders).to(this.bus).with("orders.*"));
	}

	@AfterEach
	void close() {
		this.broker.close();
	}

	@Test
	void aRoutedSendSettlesAtOnceAndTheMessageCarriesTheApplicationsIdentity() {
		assertThat(this.sender.send("bus", envelope("orders.created", "m-1"))).isCompleted();

		Message delivered = this.broker.get(this.orders.getName());
		assertThat(delivered.getMessageProperties().getMessageId()).isEqualTo("m-1");
		assertThat(delivered.getMessageProperties().getReceivedUserId()).as("user_id, as a consumer reads it")
			.isEqualTo("orders-app");
		assertThat(delivered.getMessageProperties().getReceivedExchange()).isEqualTo("bus");
		assertThat(delivered.getMessageProperties().getReceivedRoutingKey()).isEqualTo("orders.created");
		assertThat(new String(delivered.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"m-1\"}");
	}

	@Test
	void aSendFailsAsRabbitmqWouldRefuseIt() {
		assertThat(reasonOf("bus", "payments.refunded")).as("no queue bound").isEqualTo(Reason.UNROUTABLE);
		assertThat(reasonOf("missing", "orders.created")).as("no such exchange").isEqualTo(Reason.CONNECTION_LOST);
		Queue held = QueueBuilder.durable("held").maxLength(1).overflow(QueueBuilder.Overflow.rejectPublish).build();
		this.broker.declare(held);
		assertThat(this.sender.send("", "held", envelope("held", "h-1"))).isCompleted();
		assertThat(reasonOf("", "held")).as("a full reject-publish queue").isEqualTo(Reason.NACKED);
		this.sender.close(Duration.ZERO);
		assertThat(reasonOf("bus", "orders.created")).isEqualTo(Reason.CLOSED);
	}

	private Reason reasonOf(String exchange, String routingKey) {
		Throwable[] failure = new Throwable[1];
		assertThatThrownBy(() -> this.sender.send(exchange, routingKey, envelope(routingKey, "x")).join())
			.satisfies((thrown) -> failure[0] = thrown.getCause());
		return ((BusPublishException) failure[0]).getReason();
	}

	private static Envelope envelope(String topic, String messageId) {
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(messageId)
			.contentType("application/json")
			.build();
		return new Envelope(topic, messageId, properties,
				("{\"id\":\"" + messageId + "\"}").getBytes(StandardCharsets.UTF_8));
	}

}
