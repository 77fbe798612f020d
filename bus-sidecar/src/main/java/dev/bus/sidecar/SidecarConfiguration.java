package dev.bus.sidecar;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.web.client.RestClient;

import dev.bus.sidecar.consul.ConsulAclCheck;
import dev.bus.sidecar.consul.ConsulAgent;
import dev.bus.sidecar.consul.ConsulClientFactory;
import dev.bus.sidecar.discovery.ServiceWatches;
import dev.bus.sidecar.metrics.SidecarMeterDescriptions;
import dev.bus.sidecar.routing.RoutingRulesWatch;
import dev.bus.sidecar.registration.AppClient;
import dev.bus.sidecar.registration.AppRegistrar;
import dev.bus.sidecar.registration.AppServiceDefinition;
import dev.bus.sidecar.telemetry.OtlpReceiverHandler;
import dev.bus.sidecar.telemetry.PodResource;
import dev.bus.sidecar.telemetry.SpanExporters;
import dev.bus.sidecar.telemetry.SpanPipeline;
import dev.bus.sidecar.web.LocalApiHandler;
import dev.bus.sidecar.web.ManagementHandler;
import dev.bus.sidecar.web.SidecarHttpServer;

/** The sidecar's beans, wired from {@code bus.sidecar.*}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SidecarProperties.class)
@Import(SidecarExecutors.class)
public class SidecarConfiguration {

	/**
	 * Long polls the local API parks at once: a few threads stay free for plain requests.
	 */
	static final int MAX_LONG_POLLS = SidecarExecutors.HTTP_THREADS - 4;

	@Bean
	PrometheusMeterRegistry sidecarMeterRegistry() {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		registry.config().meterFilter(new SidecarMeterDescriptions());
		new JvmMemoryMetrics().bindTo(registry);
		new JvmThreadMetrics().bindTo(registry);
		return registry;
	}

	@Bean
	ApplicationAvailabilityBean applicationAvailability() {
		return new ApplicationAvailabilityBean();
	}

	@Bean
	RestClient consulRestClient(SidecarProperties properties, SslBundles sslBundles) {
		return ConsulClientFactory.restClient(properties.getConsul(),
				ConsulClientFactory.callReadTimeout(properties.getRegistration().getTtl()), sslBundles);
	}

	@Bean
	ConsulAgent consulAgent(RestClient consulRestClient, SidecarProperties properties, SslBundles sslBundles) {
		ConsulProperties consul = properties.getConsul();
		ConsulAclCheck aclCheck = consul.isDevelopment() ? ConsulAclCheck.development(consul.getUrl())
				: new ConsulAclCheck(consulRestClient, consul.getUrl());
		RestClient watches = ConsulClientFactory.restClient(consul,
				ConsulClientFactory.watchReadTimeout(properties.getDiscovery().getWait()), sslBundles);
		return new ConsulAgent(ConsulClientFactory.create(consulRestClient), ConsulClientFactory.create(watches),
				consul.getAclToken(), aclCheck);
	}

	@Bean
	AppRegistrar appRegistrar(ConsulAgent consul, SidecarProperties properties, PrometheusMeterRegistry meters,
			@Qualifier("sidecarHeartbeatScheduler") TaskScheduler heartbeatScheduler) {
		return new AppRegistrar(new AppClient(properties.getApp()), consul, new AppServiceDefinition(properties),
				properties.getRegistration(), meters, heartbeatScheduler);
	}

	@Bean
	ServiceWatches serviceWatches(ConsulAgent consul, SidecarProperties properties, PrometheusMeterRegistry meters,
			@Qualifier("sidecarWatchExecutor") TaskExecutor watchExecutor) {
		return new ServiceWatches(consul, properties, meters, watchExecutor);
	}

	@Bean
	@ConditionalOnProperty(name = "bus.sidecar.routing.enabled", matchIfMissing = true)
	RoutingRulesWatch routingRulesWatch(ConsulAgent consul, SidecarProperties properties,
			PrometheusMeterRegistry meters, @Qualifier("sidecarWatchExecutor") TaskExecutor watchExecutor) {
		return new RoutingRulesWatch(consul, properties.getRouting().getPrefix(), properties.getDiscovery().getWait(),
				properties.getRegistration().getMaxBackoff(), watchExecutor, meters);
	}

	/** The app's API: loopback only, whatever else is configured. */
	@Bean
	SidecarHttpServer localApiServer(SidecarProperties properties, ServiceWatches watches, AppRegistrar registrar,
			ObjectProvider<RoutingRulesWatch> routingRules, PrometheusMeterRegistry meters,
			@Qualifier("sidecarApiExecutor") Executor apiExecutor) {
		return new SidecarHttpServer("api",
				new InetSocketAddress(InetAddress.getLoopbackAddress(), properties.getApi().getPort()),
				new LocalApiHandler(watches, registrar, routingRules.getIfAvailable(), MAX_LONG_POLLS, meters),
				apiExecutor);
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "bus.sidecar.telemetry.enabled", matchIfMissing = true)
	SpanPipeline spanPipeline(SidecarProperties properties, AppRegistrar registrar, PrometheusMeterRegistry meters,
			@Qualifier("sidecarSpanExportExecutor") AsyncTaskExecutor exportExecutor, SslBundles sslBundles) {
		TelemetryProperties telemetry = properties.getTelemetry();
		return new SpanPipeline(() -> SpanExporters.create(telemetry, sslBundles), telemetry,
				PodResource.of(System.getenv(), registrar.status().instanceId(), telemetry.getResourceAttributes()),
				meters, exportExecutor);
	}

	/** The OTLP/HTTP receiver the app exports its spans to: loopback only. */
	@Bean
	@ConditionalOnBooleanProperty(name = "bus.sidecar.telemetry.enabled", matchIfMissing = true)
	SidecarHttpServer telemetryServer(SidecarProperties properties, SpanPipeline pipeline,
			PrometheusMeterRegistry meters, @Qualifier("sidecarTelemetryExecutor") Executor telemetryExecutor) {
		TelemetryProperties telemetry = properties.getTelemetry();
		return new SidecarHttpServer("telemetry",
				new InetSocketAddress(InetAddress.getLoopbackAddress(), telemetry.getPort()),
				new OtlpReceiverHandler(pipeline, (int) telemetry.getMaxRequestSize().toBytes(), meters),
				telemetryExecutor);
	}

	@Bean
	SidecarHttpServer managementServer(SidecarProperties properties, ApplicationAvailabilityBean availability,
			PrometheusMeterRegistry meters, AppRegistrar registrar,
			@Qualifier("sidecarManagementExecutor") Executor managementExecutor) {
		ManagementProperties management = properties.getManagement();
		return new SidecarHttpServer("management", new InetSocketAddress(management.getAddress(), management.getPort()),
				new ManagementHandler(availability, meters, registrar), managementExecutor);
	}

}
