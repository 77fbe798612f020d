package dev.bus.it;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.support.GenericApplicationContext;

import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Received;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @BusListener} methods on beans that are not plain eager singletons: a lazy bean,
 * and a bean created after the application has started. Each one consumes; none is
 * silently left out.
 */
class ListenerBeansIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	static class Audit {

		final Received<String> received = new Received<>();

		@BusListener(topic = "audit.recorded")
		void on(String entry) {
			this.received.add(entry);
		}

	}

	static class Reports {

		final Received<String> received = new Received<>();

		@BusListener(topic = "reports.requested")
		void on(String report) {
			this.received.add(report);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyAudit {

		@Bean
		@Lazy
		Audit audit() {
			return new Audit();
		}

	}

	@Test
	void lazyAndLateBeansHaveTheirListenersRegisteredAndStarted() {
		String exchange = BusContexts.uniqueName("bus-beans");
		try (ConfigurableApplicationContext context = BusContexts.start(exchange, BusContexts.uniqueName("office"),
				List.of(LazyAudit.class))) {
			this.cleanup.track(context);
			BusContexts.awaitConsuming(context);
			BusPublisher publisher = context.getBean(BusPublisher.class);
			publisher.publish("audit.recorded", "login").join();
			assertThat(context.getBean(Audit.class).received.awaitCount(1)).containsExactly("login");

			((GenericApplicationContext) context).registerBean("reports", Reports.class);
			Reports reports = context.getBean(Reports.class);
			assertThat(context.getBean(BusListenerRegistry.class).registrations())
				.extracting((registration) -> registration.definition().id())
				.containsExactly("audit.on", "reports.on");
			BusContexts.awaitConsuming(context);
			publisher.publish("reports.requested", "monthly").join();
			assertThat(reports.received.awaitCount(1)).containsExactly("monthly");
		}
	}

}
