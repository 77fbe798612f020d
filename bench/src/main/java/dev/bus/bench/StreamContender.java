package dev.bus.bench;

import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.support.AmqpHeaders;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Spring Cloud Stream with the RabbitMQ binder, configured to the same guarantees as the
 * others: JSON payloads, publisher confirms awaited through correlation data (200 in
 * flight), persistent messages into a durable group queue (quorum or classic as the
 * scenario says), prefetch 250, acked after the consumer returns.
 */
final class StreamContender implements Contender {

	private final String host;

	private final int port;

	StreamContender(String host, int port) {
		this.host = host;
		this.port = port;
	}

	@Override
	public String name() {
		return "Spring Cloud Stream";
	}

	@Override
	public Measurement run(Scenario scenario, int messages) throws Exception {
		String destination = "bench-scst-" + UUID.randomUUID();
		Latencies sink = PayloadSink.start(messages);
		String in = "spring.cloud.stream.bindings.benchSink-in-0.";
		String rabbitIn = "spring.cloud.stream.rabbit.bindings.benchSink-in-0.consumer.";
		String rabbitOut = "spring.cloud.stream.rabbit.bindings.benchSource-out-0.producer.";
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(StreamApplication.class)
			.web(WebApplicationType.NONE)
			.properties(Contender.NO_DATABASE, "spring.main.banner-mode=off", "logging.level.root=warn",
					"spring.application.name=bench-scst", "spring.rabbitmq.host=" + this.host,
					"spring.rabbitmq.port=" + this.port, "spring.rabbitmq.publisher-confirm-type=correlated",
					"spring.cloud.function.definition=benchSink", in + "destination=" + destination, in + "group=bench",
					in + "consumer.max-attempts=1", rabbitIn + "prefetch=" + PREFETCH,
					rabbitIn + "quorum.enabled=" + scenario.quorum,
					"spring.cloud.stream.bindings.benchSource-out-0.destination=" + destination,
					rabbitOut + "use-confirm-header=true",
					rabbitOut + "delivery-mode=" + (scenario.persistent ? "PERSISTENT" : "NON_PERSISTENT"),
					// keep Bus's own auto-configuration out of this application
					"bus.listener.enabled=false")
			.run()) {
			StreamBridge bridge = context.getBean(StreamBridge.class);
			// the consumer's queue exists once the binding has started; the producer side
			// is bound on first send
			Semaphore window = new Semaphore(IN_FLIGHT);
			String padding = "x".repeat(PAYLOAD_BYTES - 40);
			CpuClock cpu = CpuClock.start();
			long start = System.nanoTime();
			for (int i = 0; i < messages; i++) {
				Contender.pace(start, i, scenario.rate);
				window.acquire();
				CorrelationData correlation = new CorrelationData(Integer.toString(i));
				correlation.getFuture().whenComplete((confirm, error) -> window.release());
				bridge.send("benchSource-out-0",
						MessageBuilder.withPayload(new BusContender.Payload(System.nanoTime(), padding))
							.setHeader(AmqpHeaders.PUBLISH_CONFIRM_CORRELATION, correlation)
							.build());
			}
			sink.await(5, TimeUnit.MINUTES, "Stream consumer");
			Measurement measurement = sink.measurement(start, cpu);
			try (var connection = context.getBean(org.springframework.amqp.rabbit.connection.ConnectionFactory.class)
				.createConnection(); var channel = connection.createChannel(false)) {
				channel.queueDelete(destination + ".bench");
				channel.exchangeDelete(destination);
			}
			return measurement;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class StreamApplication {

		@Bean
		Consumer<BusContender.Payload> benchSink() {
			return (payload) -> PayloadSink.accept(payload);
		}

	}

}
