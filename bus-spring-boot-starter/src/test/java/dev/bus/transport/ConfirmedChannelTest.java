package dev.bus.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.Test;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;
import dev.bus.test.FakeChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Confirm tracking on one channel, with the test playing the broker: confirms out of
 * order and for many at once, nacks, returns, timeouts and a channel that closes with
 * publishes outstanding.
 */
class ConfirmedChannelTest {

	private final FakeChannel broker = new FakeChannel();

	private ConfirmedChannel confirmed(Duration timeout) throws IOException {
		return new ConfirmedChannel(this.broker.channel(), timeout);
	}

	private List<CompletableFuture<Void>> publish(ConfirmedChannel channel, int count) throws IOException {
		List<CompletableFuture<Void>> futures = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId("m-" + i)
				.headers(Map.of())
				.build();
			futures.add(channel.publish("bus", "orders.created",
					new Envelope("orders.created", "m-" + i, properties, new byte[1]), null));
		}
		return futures;
	}

	@Test
	void singleConfirmsSettleTheirOwnPublishInAnyOrder() throws Exception {
		ConfirmedChannel channel = confirmed(Duration.ofHours(1));
		List<CompletableFuture<Void>> futures = publish(channel, 3);
		this.broker.ack(2, false);
		assertThat(futures).extracting(CompletableFuture::isDone).containsExactly(false, true, false);
		this.broker.ack(3, false);
		this.broker.ack(1, false);
		assertThat(futures).allSatisfy((future) -> assertThat(future).isCompleted());
		assertThat(channel.pendingCount()).isZero();
	}

	@Test
	void aMultipleConfirmSettlesEverythingUpToItsTag() throws Exception {
		ConfirmedChannel channel = confirmed(Duration.ofHours(1));
		List<CompletableFuture<Void>> futures = publish(channel, 5);
		this.broker.ack(3, true);
		assertThat(futures).extracting(CompletableFuture::isDone).containsExactly(true, true, true, false, false);
		assertThat(channel.pendingCount()).isEqualTo(2);
		this.broker.nack(5, true);
		assertThat(futures.get(3)).isCompletedExceptionally();
		assertThat(failure(futures.get(4)).getReason()).isEqualTo(Reason.NACKED);
	}

	@Test
	void aReturnedPublishFailsAsUnroutableWhenItsConfirmArrives() throws Exception {
		ConfirmedChannel channel = confirmed(Duration.ofHours(1));
		List<CompletableFuture<Void>> futures = publish(channel, 2);
		this.broker.returnPublished(this.broker.published().get(0));
		assertThat(futures.get(0)).as("a return comes before its confirm").isNotDone();
		this.broker.ack(2, true);
		BusPublishException returned = failure(futures.get(0));
		assertThat(returned.getReason()).isEqualTo(Reason.UNROUTABLE);
		assertThat(returned.getMessage()).contains("no queue is bound").contains("orders.created");
		assertThat(futures.get(1)).isCompleted();
	}

	@Test
	void overduePublishesFailAsTimeoutsAndOthersWait() throws Exception {
		ConfirmedChannel waiting = confirmed(Duration.ofHours(1));
		List<CompletableFuture<Void>> patient = publish(waiting, 2);
		waiting.expire();
		assertThat(patient).noneMatch(CompletableFuture::isDone);

		ConfirmedChannel overdue = new ConfirmedChannel(new FakeChannel().channel(), Duration.ZERO);
		List<CompletableFuture<Void>> late = publish(overdue, 2);
		overdue.expire();
		assertThat(late).allSatisfy((future) -> assertThat(failure(future).getReason()).isEqualTo(Reason.TIMEOUT));
		assertThat(overdue.pendingCount()).isZero();
	}

	@Test
	void aChannelThatClosesFailsEveryOutstandingPublish() throws Exception {
		ConfirmedChannel channel = confirmed(Duration.ofHours(1));
		List<CompletableFuture<Void>> futures = publish(channel, 3);
		this.broker.ack(1, false);
		this.broker.close("connection reset");
		assertThat(futures.get(0)).isCompleted();
		assertThat(futures.subList(1, 3))
			.allSatisfy((future) -> assertThat(failure(future).getReason()).isEqualTo(Reason.CONNECTION_LOST));
		assertThat(channel.isOpen()).isFalse();
		assertThat(channel.pendingCount()).isZero();
	}

	@Test
	void aChannelTheBrokerClosedForARefusedTopicFailsThatTopicAsForbiddenAndTheRestAsConnectionLost() throws Exception {
		ConfirmedChannel channel = confirmed(Duration.ofHours(1));
		List<CompletableFuture<Void>> futures = publish(channel, 1);
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId("p-1").build();
		CompletableFuture<Void> refused = channel.publish("bus", "payments.captured",
				new Envelope("payments.captured", "p-1", properties, new byte[1]), "orders");
		this.broker.closeByBroker(403, "ACCESS_REFUSED - write access to topic 'payments.captured' in exchange "
				+ "'bus' in vhost '/' refused for user 'orders'");
		assertThat(failure(refused).getReason()).isEqualTo(Reason.FORBIDDEN);
		assertThat(failure(refused)).hasMessageContaining("refused for user 'orders'");
		assertThat(failure(futures.get(0)).getReason()).isEqualTo(Reason.CONNECTION_LOST);
	}

	@Test
	void aPublishThatCannotBeWrittenFailsAndIsNotTracked() throws Exception {
		ConfirmedChannel channel = confirmed(Duration.ofHours(1));
		publish(channel, 1);
		this.broker.failWrites();
		assertThatIOException().isThrownBy(() -> publish(channel, 1));
		assertThat(channel.pendingCount()).isEqualTo(1);
	}

	private static BusPublishException failure(CompletableFuture<Void> future) {
		assertThat(future).isCompletedExceptionally();
		return (BusPublishException) future.handle((ignored, error) -> error).join();
	}

}
