package dev.bus.transport;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.SimpleConnection;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;
import dev.bus.test.FakeChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The confirmed sender without a broker: each channel it opens is a fake one the test
 * plays the broker on. What it writes on the wire, how each send's future settles, a new
 * channel after the old one is lost, and that it sends nothing once closed.
 */
class ConfirmedSenderTest {

	private final List<FakeChannel> channels = new CopyOnWriteArrayList<>();

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private final ConfirmedSender sender;

	ConfirmedSenderTest() {
		this.scheduler.initialize();
		this.sender = new ConfirmedSender(connectionFactory(), Duration.ofSeconds(30), this.scheduler,
				BrokerAccess.user("orders"), null);
	}

	@AfterEach
	void stop() {
		this.scheduler.shutdown();
	}

	@Test
	void aSendIsPublishedMandatoryAsTheBrokerUserAndSettlesOnItsConfirm() throws Exception {
		Envelope envelope = envelope("m-1");
		CompletableFuture<Void> sent = this.sender.send("bus", envelope);

		FakeChannel.Published published = channel(0).published().get(0);
		assertThat(published.exchange()).isEqualTo("bus");
		assertThat(published.routingKey()).isEqualTo("orders.created");
		assertThat(published.properties().getUserId()).isEqualTo("orders");
		assertThat(envelope.properties().getUserId()).as("the sealed envelope is not changed").isNull();
		assertThat(sent).isNotDone();
		assertThat(this.sender.pendingCount()).isOne();

		channel(0).ack(published.sequence(), false);
		assertThat(sent).isCompleted();
		assertThat(this.sender.pendingCount()).isZero();
	}

	@Test
	void nackedAndReturnedSendsFailWithTheirReason() throws Exception {
		CompletableFuture<Void> nacked = this.sender.send("bus", envelope("m-1"));
		CompletableFuture<Void> returned = this.sender.send("bus", envelope("m-2"));
		channel(0).nack(1, false);
		channel(0).returnPublished(channel(0).published().get(1));
		channel(0).ack(2, false);

		assertThat(reason(nacked)).isEqualTo(Reason.NACKED);
		assertThat(reason(returned)).isEqualTo(Reason.UNROUTABLE);
	}

	@Test
	void aLostChannelFailsWhatItHadInFlightAndTheNextSendOpensANewOne() throws Exception {
		CompletableFuture<Void> inFlight = this.sender.send("bus", envelope("m-1"));
		channel(0).close("connection lost");
		assertThat(reason(inFlight)).isEqualTo(Reason.CONNECTION_LOST);

		CompletableFuture<Void> next = this.sender.send("bus", envelope("m-2"));
		assertThat(this.channels).hasSize(2);
		channel(1).ack(1, false);
		assertThat(next).isCompleted();
	}

	@Test
	void aSendThatCannotBeWrittenFailsAsConnectionLost() {
		this.sender.send("bus", envelope("m-1"));
		channel(0).failWrites();
		assertThat(reason(this.sender.send("bus", envelope("m-2")))).isEqualTo(Reason.CONNECTION_LOST);
	}

	@Test
	void aClosedSenderSendsNothing() {
		this.sender.close(Duration.ZERO);
		assertThat(reason(this.sender.send("bus", envelope("m-1")))).isEqualTo(Reason.CLOSED);
		assertThat(this.channels).isEmpty();
	}

	@Test
	void closingWaitsForWhatIsInFlightThenFailsWhatTheBrokerNeverConfirmed() throws Exception {
		CompletableFuture<Void> confirmed = this.sender.send("bus", envelope("m-1"));
		CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> this.sender.close(Duration.ofSeconds(30)));
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> !closing.isDone());
		channel(0).ack(1, false);
		closing.get(5, java.util.concurrent.TimeUnit.SECONDS);
		assertThat(confirmed).isCompleted();

		ConfirmedSender other = new ConfirmedSender(connectionFactory(), Duration.ofSeconds(30), this.scheduler,
				BrokerAccess.user("orders"), null);
		CompletableFuture<Void> unconfirmed = other.send("bus", envelope("m-2"));
		other.close(Duration.ofMillis(100));
		assertThat(reason(unconfirmed)).isEqualTo(Reason.CONNECTION_LOST);
	}

	@Test
	void sendAndAwaitReturnsOnceConfirmedAndThrowsTheFailure() throws Exception {
		CompletableFuture<Void> awaited = CompletableFuture
			.runAsync(() -> this.sender.sendAndAwait("audit.moves", envelope("m-1")));
		FakeChannel channel = awaitChannel();
		channel.ack(1, false);
		awaited.join();

		CompletableFuture<Void> refused = CompletableFuture
			.runAsync(() -> this.sender.sendAndAwait("audit.moves", envelope("m-2")));
		await().atMost(Duration.ofSeconds(5)).until(() -> channel.published().size() == 2);
		channel.nack(2, false);
		assertThat(refused).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(BusPublishException.class,
					(ex) -> assertThat(ex.getReason()).isEqualTo(Reason.NACKED));
	}

	private FakeChannel awaitChannel() {
		await().atMost(Duration.ofSeconds(5))
			.until(() -> !this.channels.isEmpty() && !this.channels.get(0).published().isEmpty());
		return this.channels.get(0);
	}

	private FakeChannel channel(int index) {
		return this.channels.get(index);
	}

	private static Envelope envelope(String messageId) {
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(messageId)
			.headers(Map.of())
			.build();
		return new Envelope("orders.created", messageId, properties, new byte[1]);
	}

	private static Reason reason(CompletableFuture<Void> future) {
		assertThat(future).isCompletedExceptionally();
		return ((BusPublishException) future.handle((ignored, error) -> error).join()).getReason();
	}

	/** A connection whose every new channel is a fresh fake one. */
	private ConnectionFactory connectionFactory() {
		com.rabbitmq.client.Connection connection = (com.rabbitmq.client.Connection) Proxy.newProxyInstance(
				getClass().getClassLoader(), new Class<?>[] { com.rabbitmq.client.Connection.class },
				(proxy, method, args) -> switch (method.getName()) {
					case "createChannel" -> newChannel();
					case "isOpen" -> true;
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException(method.getName());
				});
		return (ConnectionFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { ConnectionFactory.class }, (proxy, method, args) -> switch (method.getName()) {
					case "createConnection" -> new SimpleConnection(connection, 1000);
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

	private Channel newChannel() {
		FakeChannel channel = new FakeChannel();
		this.channels.add(channel);
		return channel.channel();
	}

}
