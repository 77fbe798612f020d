package dev.bus.it;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.rabbitmq.client.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublisher;
import dev.bus.discovery.SidecarBrokerAddresses;
import dev.bus.discovery.SidecarClient;
import dev.bus.sidecar.test.ConsulApi;
import dev.bus.sidecar.test.Sidecars;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;
import dev.bus.test.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter with a real sidecar and the real Consul: the app connects to the broker
 * node Consul holds as passing; when that node goes critical and its connections drop,
 * the app's next connection goes to the healthy one; with the sidecar gone, the app keeps
 * the last known nodes. Two "nodes" are two loopback proxies to the one local broker,
 * each registered in Consul as a node of the broker service.
 */
@ExtendWith(OutputCaptureExtension.class)
class BrokerDiscoveryIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	@Test
	void connectsToThePassingNodeAndMovesWhenConsulSaysItIsCritical(CapturedOutput output) throws Exception {
		ConsulApi consul = ConsulApi.local();
		String brokerService = "bus-it-rabbitmq-" + UUID.randomUUID().toString().substring(0, 8);
		String exchange = BusContexts.uniqueName("bus-discovery");
		try (TcpProxy nodeA = new TcpProxy(Rabbit.PORT); TcpProxy nodeB = new TcpProxy(Rabbit.PORT)) {
			nodeA.open();
			nodeB.open();
			consul.registerWithTtl(brokerService, brokerService + "-a", nodeA.port(), "passing");
			consul.registerWithTtl(brokerService, brokerService + "-b", nodeB.port(), "critical");
			ConfigurableApplicationContext sidecar = Sidecars.start("bus.sidecar.app.name=bus-it-discovery-app",
					"bus.sidecar.app.port=1", "bus.sidecar.discovery.broker-service=" + brokerService);
			try (ConfigurableApplicationContext app = BusContexts.start(exchange, BusContexts.uniqueName("alerts"),
					List.of(BrokerOutageIT.Alerts.class), "bus.sidecar-client.url=" + Sidecars.api(sidecar),
					// the static address is wrong on purpose: only discovery works
					"bus.sidecar-client.allow-insecure-brokers=true", "spring.rabbitmq.port=1",
					"bus.listener.recovery-interval=200ms", "spring.rabbitmq.connection-timeout=1s")) {
				this.cleanup.track(app);
				BusContexts.awaitConsuming(app);
				BusPublisher publisher = app.getBean(BusPublisher.class);
				Received<String> received = app.getBean(BrokerOutageIT.Alerts.class).received;
				publisher.publish("alerts.raised", "via A").join();
				assertThat(received.awaitCount(1)).containsExactly("via A");
				assertThat(nodeA.accepted()).as("connections through node A").isGreaterThanOrEqualTo(2);
				assertThat(nodeB.accepted()).as("connections through node B").isZero();

				// Node A goes critical in Consul, node B passing; the app's view follows
				// within a second.
				consul.ttl(brokerService + "-b", "pass");
				consul.ttl(brokerService + "-a", "fail");
				SidecarBrokerAddresses addresses = app.getBean(SidecarBrokerAddresses.class);
				await().atMost(Duration.ofSeconds(1))
					.until(addresses::discovered,
							(list) -> list.equals(List.of(new Address("127.0.0.1", nodeB.port()))));

				// Node A dies: the consumer and the publisher reconnect, to node B.
				nodeA.cut();
				BusContexts.awaitConsuming(app);
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
					publisher.publish("alerts.raised", "via B").join();
					assertThat(received.items()).contains("via B");
				});
				assertThat(nodeB.accepted()).as("connections through node B").isGreaterThanOrEqualTo(2);

				// The sidecar goes away: the app keeps working on the last known nodes.
				sidecar.close();
				nodeB.cut();
				// the port is free again once the cut connections have finished closing
				await().ignoreExceptions().atMost(Duration.ofSeconds(10)).until(() -> {
					nodeB.open();
					return true;
				});
				BusContexts.awaitConsuming(app);
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
					publisher.publish("alerts.raised", "sidecar gone").join();
					assertThat(received.items()).contains("sidecar gone");
				});
				// Said once, without a stack trace, however often the app asks again
				// meanwhile.
				SidecarClient client = app.getBean(SidecarClient.class);
				String unreachable = "The sidecar at " + client.baseUrl() + " cannot be reached";
				await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains(unreachable));
				// once per view of the sidecar (the broker nodes, the routing rules)
				assertThat(output.getOut().lines().filter((line) -> line.contains(unreachable)))
					.hasSizeLessThanOrEqualTo(2)
					.filteredOn((line) -> line.contains("keeping the last known broker nodes"))
					.hasSize(1);
			}
			finally {
				sidecar.close();
				consul.deregister(brokerService + "-a");
				consul.deregister(brokerService + "-b");
			}
		}
	}

}
