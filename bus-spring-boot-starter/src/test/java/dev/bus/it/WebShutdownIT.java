package dev.bus.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.bus.BusPublisher;
import dev.bus.autoconfigure.BusAutoConfiguration;
import dev.bus.autoconfigure.BusConnectionFactoryAutoConfiguration;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutdown of a web application with an HTTP request in flight, as on SIGTERM (Spring's
 * shutdown hook closes the context): the web server's graceful shutdown waits for the
 * request, and the request can still publish, because the publisher stops after the web
 * server has drained.
 */
class WebShutdownIT {

	@RestController
	static class Orders {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		private final BusPublisher publisher;

		Orders(BusPublisher publisher) {
			this.publisher = publisher;
		}

		@PostMapping("/orders")
		String place() throws Exception {
			this.entered.countDown();
			this.release.await(30, TimeUnit.SECONDS);
			return this.publisher.publish("orders.placed", "o-1")
				.handle((receipt, error) -> (error != null) ? "failed: " + error.getCause() : "published")
				.join();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
			WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class, RabbitAutoConfiguration.class,
			JacksonAutoConfiguration.class, BusConnectionFactoryAutoConfiguration.class, BusAutoConfiguration.class })
	static class WebApp {

	}

	@Test
	void aRequestStillDrainingAtShutdownCanPublish() throws Exception {
		Rabbit.requireRunning();
		String exchange = BusContexts.uniqueName("bus-web");
		String queue = BusContexts.uniqueName("placed");
		try (Rabbit rabbit = Rabbit.connect()) {
			rabbit.declareTopicExchange(exchange);
			rabbit.declareQueueBoundTo(queue, exchange, "orders.placed");
			ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApp.class, Orders.class)
				.web(WebApplicationType.SERVLET)
				.properties("server.port=0", "server.shutdown=graceful", "spring.main.banner-mode=off",
						"spring.rabbitmq.host=" + Rabbit.HOST, "spring.rabbitmq.port=" + Rabbit.PORT,
						"spring.application.name=web-shop", "bus.exchange=" + exchange)
				.run();
			try {
				int port = ((WebServerApplicationContext) context).getWebServer().getPort();
				Orders orders = context.getBean(Orders.class);
				CompletableFuture<HttpResponse<String>> response = HttpClient.newHttpClient()
					.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
						.POST(HttpRequest.BodyPublishers.noBody())
						.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(orders.entered.await(10, TimeUnit.SECONDS)).isTrue();

				SmartLifecycle webServerDrain = context.getBean("webServerGracefulShutdown", SmartLifecycle.class);
				CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
				await().atMost(Duration.ofSeconds(10)).until(() -> !webServerDrain.isRunning());
				orders.release.countDown();

				assertThat(response.get(20, TimeUnit.SECONDS).body()).isEqualTo("published");
				closing.get(30, TimeUnit.SECONDS);
				assertThat(rabbit.messageCount(queue)).as("the message reached the broker").isEqualTo(1);
			}
			finally {
				context.close();
				rabbit.deleteQueue(queue);
				rabbit.deleteExchange(exchange);
			}
		}
	}

}
