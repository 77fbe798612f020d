package dev.bus.bench;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ThreadChannelConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.OutboundMessage;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.transport.Envelope;
import dev.bus.publisher.EnvelopeFactory;

/**
 * Bus with spring-amqp's {@link ThreadChannelConnectionFactory} on the publishing side
 * instead of Bus's {@code ConfirmedChannel}, everything else the same (Bus's envelope,
 * Bus's listener). In spring-amqp 4.0 that factory offers simple publisher confirms only
 * (no correlated confirms, so no per-message outcome): the publisher sends through
 * {@code RabbitTemplate.invoke} on its thread's channel and waits for the confirms of
 * each half window ({@value #CONFIRM_EVERY} messages) with {@code waitForConfirmsOrDie}.
 * That is the most it can do, and less than Bus promises (a future per message,
 * unroutable returns told apart), so it is an upper bound for that design: if Bus is not
 * slower than this, the hand-written channel stays.
 */
final class ThreadChannelContender implements Contender {

	/**
	 * Half the window: the publisher waits for the confirms of this many, so 200 at most
	 * are in flight.
	 */
	static final int CONFIRM_EVERY = IN_FLIGHT / 2;

	private final String host;

	private final int port;

	ThreadChannelContender(String host, int port) {
		this.host = host;
		this.port = port;
	}

	/**
	 * Waits on the thread's channel itself. In spring-amqp 4.0.4 the thread's channel was
	 * not in confirm mode despite {@code setSimplePublisherConfirms(true)}
	 * ({@code waitForConfirmsOrDie} failed with "Confirms not selected"), so the
	 * publisher selects confirms on it before its first send.
	 */
	private static void waitForConfirms(org.springframework.amqp.rabbit.core.RabbitOperations operations) {
		operations.execute((channel) -> {
			channel.waitForConfirmsOrDie(10_000);
			return null;
		});
	}

	@Override
	public String name() {
		return "Bus (ThreadChannel publisher)";
	}

	@Override
	public Measurement run(Scenario scenario, int messages) throws Exception {
		String exchange = "bench-tc-" + UUID.randomUUID();
		Latencies sink = PayloadSink.start(messages);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BusContender.BenchApplication.class)
			.web(WebApplicationType.NONE)
			.properties(Contender.NO_DATABASE, "spring.main.banner-mode=off", "logging.level.root=warn",
					"spring.application.name=bench", "spring.rabbitmq.host=" + this.host,
					"spring.rabbitmq.port=" + this.port, "bus.exchange=" + exchange,
					"bus.publisher.persistent=" + scenario.persistent,
					"bus.listener.queue-type=" + (scenario.quorum ? "quorum" : "classic"),
					"bus.listener.prefetch=" + PREFETCH, "bus.tracing.enabled=false")
			.run()) {
			BusListenerRegistry registry = context.getBean(BusListenerRegistry.class);
			while (registry.registrations().get(0).activeConsumers() == 0) {
				Thread.onSpinWait();
			}
			EnvelopeFactory envelopes = context.getBean(EnvelopeFactory.class);
			com.rabbitmq.client.ConnectionFactory rabbit = new com.rabbitmq.client.ConnectionFactory();
			rabbit.setHost(this.host);
			rabbit.setPort(this.port);
			ThreadChannelConnectionFactory connectionFactory = new ThreadChannelConnectionFactory(rabbit);
			connectionFactory.setSimplePublisherConfirms(true);
			RabbitTemplate template = new RabbitTemplate(connectionFactory);
			template.setMandatory(true);
			DefaultMessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();
			String padding = "x".repeat(PAYLOAD_BYTES - 40);
			CpuClock cpu = CpuClock.start();
			long start = System.nanoTime();
			template.invoke((operations) -> {
				operations.execute((channel) -> channel.confirmSelect());
				for (int i = 0; i < messages; i++) {
					Contender.pace(start, i, scenario.rate);
					Envelope envelope = envelopes
						.create(OutboundMessage
							.builder("bench.message", new BusContender.Payload(System.nanoTime(), padding))
							.build())
						.envelope();
					operations.send(exchange, envelope.topic(), new Message(envelope.body(),
							converter.toMessageProperties(envelope.properties(), null, "UTF-8")));
					if ((i + 1) % CONFIRM_EVERY == 0) {
						waitForConfirms(operations);
					}
				}
				waitForConfirms(operations);
				return null;
			});
			sink.await(5, TimeUnit.MINUTES, "Bus listener");
			Measurement measurement = sink.measurement(start, cpu);
			connectionFactory.destroy();
			BusContender.removeTopology(context, exchange);
			return measurement;
		}
	}

}
