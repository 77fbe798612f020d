package dev.bus.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.listener.BusListenerDefinition;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutdown with messages in flight: a handler that finishes within the shutdown timeout
 * is acked; one that does not is returned to the queue, never acked unprocessed and never
 * dead-lettered because of shutdown.
 */
class GracefulShutdownIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	static class SlowWork {

		final CountDownLatch started = new CountDownLatch(1);

		final Received<String> finished = new Received<>();

		volatile long workMillis;

		@BusListener(topic = "work.requested", prefetch = 1)
		void on(String job) throws InterruptedException {
			this.started.countDown();
			long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.workMillis);
			while (System.nanoTime() < end) {
				// busy on purpose: an uninterruptible handler, the hard case for shutdown
				Thread.onSpinWait();
			}
			this.finished.add(job);
		}

	}

	@Test
	void anInFlightMessageFinishesAndIsAckedWithinTheShutdownTimeout() throws Exception {
		BusListenerDefinition listener = runAndShutDownDuringWork(1000, "5s");
		try (Rabbit rabbit = Rabbit.connect()) {
			assertThat(rabbit.messageCount(listener.queue())).as("acked, so not redelivered").isEqualTo(1);
			assertThat(rabbit.messageCount(listener.deadLetterQueue())).isZero();
		}
	}

	@Test
	void anInFlightMessageThatOutlivesTheTimeoutGoesBackToTheQueue() throws Exception {
		BusListenerDefinition listener = runAndShutDownDuringWork(3000, "300ms");
		try (Rabbit rabbit = Rabbit.connect()) {
			// the broker requeues the unacked delivery when the channel closes,
			// asynchronously to close()
			await().atMost(Duration.ofSeconds(5)).until(() -> rabbit.messageCount(listener.queue()) == 2);
			assertThat(rabbit.messageCount(listener.deadLetterQueue())).as("never dead-lettered by shutdown").isZero();
		}
	}

	/**
	 * Publishes two jobs, closes the context while the first is being handled, and
	 * returns the listener; the second job is never started, so it must stay on the queue
	 * in both cases.
	 */
	private BusListenerDefinition runAndShutDownDuringWork(long workMillis, String shutdownTimeout) throws Exception {
		String exchange = BusContexts.uniqueName("bus-shutdown");
		ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("workers"),
				List.of(SlowWork.class), "bus.listener.shutdown-timeout=" + shutdownTimeout);
		this.cleanup.track(context);
		BusListenerDefinition listener = context.getBean(BusListenerRegistry.class).registrations().get(0).definition();
		BusContexts.awaitConsuming(context);
		SlowWork work = context.getBean(SlowWork.class);
		work.workMillis = workMillis;
		BusPublisher publisher = context.getBean(BusPublisher.class);
		publisher.publish("work.requested", "job-1").join();
		assertThat(work.started.await(10, TimeUnit.SECONDS)).isTrue();
		publisher.publish("work.requested", "job-2").join();
		long closing = System.nanoTime();
		context.close();
		long closedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
		if (workMillis < org.springframework.boot.convert.DurationStyle.detectAndParse(shutdownTimeout).toMillis()) {
			assertThat(work.finished.items()).as("the in-flight job finished before close returned")
				.containsExactly("job-1");
		}
		else {
			assertThat(closedAfterMillis).as("close did not wait for the handler").isLessThan(workMillis);
			await().atMost(Duration.ofSeconds(10)).until(() -> work.finished.size() == 1);
		}
		return listener;
	}

}
