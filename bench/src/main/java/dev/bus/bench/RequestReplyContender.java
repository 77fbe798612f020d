package dev.bus.bench;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;

import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.listener.BusListenerRegistry;

/**
 * Request-reply at a fixed rate (scenario R), latency from sending a request to holding
 * its typed reply: Bus's {@code BusPublisher.request} answered by a {@code @BusListener}
 * that returns a value, against Spring AMQP's
 * {@code RabbitTemplate.convertSendAndReceiveAsType} answered by a
 * {@code @RabbitListener} that returns one (both JSON, direct reply-to). Spring AMQP's
 * call blocks until the reply, so it runs on a pool of threads, as an application serving
 * concurrent requests would.
 */
final class RequestReplyContender implements Contender {

	private static final int CALLER_THREADS = 32;

	private final String host;

	private final int port;

	private final boolean bus;

	RequestReplyContender(String host, int port, boolean bus) {
		this.host = host;
		this.port = port;
		this.bus = bus;
	}

	@Override
	public String name() {
		return this.bus ? "Bus (request-reply)" : "Spring AMQP (convertSendAndReceive)";
	}

	@Override
	public boolean supports(Scenario scenario) {
		return scenario == Scenario.R_REQUEST_REPLY;
	}

	@Override
	public Measurement run(Scenario scenario, int messages) throws Exception {
		String exchange = "bench-rpc-" + UUID.randomUUID();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(
				this.bus ? BusResponder.class : SpringAmqpResponder.class)
			.web(WebApplicationType.NONE)
			.properties(Contender.NO_DATABASE, "spring.main.banner-mode=off", "logging.level.root=warn",
					"spring.application.name=bench-rpc", "spring.rabbitmq.host=" + this.host,
					"spring.rabbitmq.port=" + this.port, "bus.exchange=" + exchange, "bench.exchange=" + exchange,
					"bench.queue=" + exchange + ".requests", "bus.listener.queue-type=classic",
					"bus.publisher.persistent=false", "bus.tracing.enabled=false", "bus.listener.prefetch=" + PREFETCH,
					"spring.rabbitmq.listener.simple.prefetch=" + PREFETCH,
					"spring.rabbitmq.template.reply-timeout=10s", "bus.listener.enabled=" + this.bus)
			.run()) {
			long[] latencies = new long[messages];
			AtomicInteger answered = new AtomicInteger();
			AtomicLong end = new AtomicLong();
			CountDownLatch done = new CountDownLatch(messages);
			String padding = "x".repeat(PAYLOAD_BYTES - 40);
			CpuClock cpu;
			long start;
			if (this.bus) {
				BusListenerRegistry registry = context.getBean(BusListenerRegistry.class);
				while (registry.registrations().get(0).activeConsumers() == 0) {
					Thread.onSpinWait();
				}
				BusPublisher publisher = context.getBean(BusPublisher.class);
				Semaphore window = new Semaphore(IN_FLIGHT);
				cpu = CpuClock.start();
				start = System.nanoTime();
				for (int i = 0; i < messages; i++) {
					Contender.pace(start, i, scenario.rate);
					window.acquire();
					long sent = System.nanoTime();
					publisher.request("bench.request", new Question(i, padding), Answer.class, Duration.ofSeconds(10))
						.whenComplete((answer, error) -> {
							window.release();
							record(latencies, answered, end, done, sent, error);
						});
				}
			}
			else {
				RabbitTemplate template = context.getBean(RabbitTemplate.class);
				template.setMessageConverter(new JacksonJsonMessageConverter());
				ExecutorService callers = Executors.newFixedThreadPool(CALLER_THREADS);
				cpu = CpuClock.start();
				start = System.nanoTime();
				for (int i = 0; i < messages; i++) {
					Contender.pace(start, i, scenario.rate);
					Question question = new Question(i, padding);
					long sent = System.nanoTime();
					callers.execute(() -> {
						Answer answer = template.convertSendAndReceiveAsType(exchange, "bench.request", question,
								new ParameterizedTypeReference<Answer>() {
								});
						record(latencies, answered, end, done, sent,
								(answer != null) ? null : new IllegalStateException("no reply"));
					});
				}
				callers.shutdown();
			}
			if (!done.await(5, TimeUnit.MINUTES)) {
				throw new IllegalStateException(name() + " got " + answered.get() + " of " + messages + " replies");
			}
			return Measurement.of(messages, start, end.get(), latencies, cpu);
		}
	}

	private static void record(long[] latencies, AtomicInteger answered, AtomicLong end, CountDownLatch done, long sent,
			Throwable error) {
		if (error != null) {
			throw new IllegalStateException("a request failed", error);
		}
		long now = System.nanoTime();
		latencies[answered.getAndIncrement()] = now - sent;
		end.accumulateAndGet(now, Math::max);
		done.countDown();
	}

	record Question(int number, String padding) {
	}

	record Answer(int number) {
	}

	/** Bus: a listener method that returns its answer. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BusResponder {

		@BusListener(topic = "bench.request", group = "bench")
		Answer answer(Question question) {
			return new Answer(question.number());
		}

	}

	/**
	 * Spring AMQP as its reference guide shows it: a {@code @RabbitListener} that returns
	 * its answer.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SpringAmqpResponder {

		@Bean
		TopicExchange benchExchange(org.springframework.core.env.Environment environment) {
			return new TopicExchange(environment.getRequiredProperty("bench.exchange"), true, false);
		}

		@Bean
		Queue benchRequests(org.springframework.core.env.Environment environment) {
			return QueueBuilder.nonDurable(environment.getRequiredProperty("bench.queue")).autoDelete().build();
		}

		@Bean
		Binding benchBinding(Queue benchRequests, TopicExchange benchExchange) {
			return BindingBuilder.bind(benchRequests).to(benchExchange).with("bench.request");
		}

		@Bean
		JacksonJsonMessageConverter jsonMessageConverter() {
			return new JacksonJsonMessageConverter();
		}

		@RabbitListener(queues = "${bench.queue}")
		Answer answer(Question question) {
			return new Answer(question.number());
		}

	}

}
