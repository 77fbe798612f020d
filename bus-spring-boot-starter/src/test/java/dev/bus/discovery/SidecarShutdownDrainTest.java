package dev.bus.discovery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.bus.core.sidecar.SidecarApi;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app's drain at shutdown never holds the shutdown past its timeout, whatever the
 * sidecar does: the real sidecar's drain is tested against Consul in
 * {@code MaintenanceDrainIT}.
 */
class SidecarShutdownDrainTest {

	private final CountDownLatch release = new CountDownLatch(1);

	private HttpServer sidecar;

	@AfterEach
	void stopSidecar() {
		this.release.countDown();
		if (this.sidecar != null) {
			this.sidecar.stop(0);
		}
	}

	@Test
	void asksTheSidecarOnceWithAPostAndWaitsForItsAnswer() throws Exception {
		List<String> asked = new CopyOnWriteArrayList<>();
		startSidecar((method) -> {
			asked.add(method);
			return 200;
		}, Duration.ZERO);
		SidecarShutdownDrain drain = drain(Duration.ofSeconds(5));
		drain.start();
		drain.stop();
		drain.stop();
		assertThat(asked).containsExactly("POST");
		assertThat(drain.isRunning()).isFalse();
	}

	@Test
	void aSidecarThatDoesNotAnswerHoldsTheShutdownOnlyUntilTheTimeout() throws Exception {
		startSidecar((method) -> 200, Duration.ofSeconds(30));
		SidecarShutdownDrain drain = drain(Duration.ofMillis(300));
		drain.start();
		long started = System.nanoTime();
		drain.stop();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(250),
				Duration.ofSeconds(3));
	}

	@Test
	void aSidecarThatIsGoneOrTooOldDoesNotStopTheShutdown() throws Exception {
		int closedPort;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = probe.getLocalPort();
		}
		SidecarShutdownDrain gone = new SidecarShutdownDrain(client(URI.create("http://127.0.0.1:" + closedPort)),
				Duration.ofSeconds(5));
		gone.start();
		gone.stop();
		assertThat(gone.isRunning()).isFalse();

		startSidecar((method) -> 404, Duration.ZERO);
		SidecarShutdownDrain old = drain(Duration.ofSeconds(5));
		old.start();
		old.stop();
		assertThat(old.isRunning()).isFalse();
	}

	interface Answer {

		int status(String method);

	}

	private void startSidecar(Answer answer, Duration delay) throws Exception {
		this.sidecar = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.sidecar.createContext(SidecarApi.DRAIN, (exchange) -> {
			try (exchange) {
				int status = answer.status(exchange.getRequestMethod());
				// the sidecar holds its answer for its drain time
				this.release.await(delay.toMillis(), TimeUnit.MILLISECONDS);
				byte[] body = "{\"status\":\"drained\",\"registered\":true}".getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(status, body.length);
				exchange.getResponseBody().write(body);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		this.sidecar.setExecutor(Executors.newCachedThreadPool());
		this.sidecar.start();
	}

	private SidecarShutdownDrain drain(Duration timeout) {
		return new SidecarShutdownDrain(client(URI.create("http://127.0.0.1:" + this.sidecar.getAddress().getPort())),
				timeout);
	}

	private static SidecarClient client(URI url) {
		return new SidecarClient(url, Duration.ofSeconds(1), JsonMapper.builder().build());
	}

}
