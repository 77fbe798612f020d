package dev.bus.console.web;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;

import dev.bus.console.apps.AppActuator;
import dev.bus.console.apps.AppUnavailableException;
import dev.bus.console.consul.BusInstance;
import dev.bus.console.consul.ConsulCatalog;
import dev.bus.console.consul.Fleet;
import dev.bus.core.sidecar.BusEndpointBody;

/**
 * The fleet page: every Bus service and instance from Consul, with each instance's
 * listeners as its app reports them (state, paused and why, consumers, dead letters), and
 * a service's AsyncAPI contract.
 */
@Controller
class FleetController {

	private final ConsulCatalog consul;

	private final AppActuator apps;

	FleetController(ConsulCatalog consul, AppActuator apps) {
		this.consul = consul;
		this.apps = apps;
	}

	@GetMapping("/")
	String fleet(Model model) {
		Fleet fleet = this.consul.fleet();
		List<ServiceView> services = new ArrayList<>();
		for (Fleet.BusService service : fleet.services()) {
			List<InstanceView> instances = new ArrayList<>();
			for (BusInstance instance : service.instances()) {
				instances.add(view(instance));
			}
			services.add(new ServiceView(service, instances));
		}
		model.addAttribute("problem", fleet.problem());
		model.addAttribute("services", services);
		return "fleet";
	}

	private InstanceView view(BusInstance instance) {
		try {
			return new InstanceView(instance, this.apps.bus(instance), null);
		}
		catch (AppUnavailableException ex) {
			return new InstanceView(instance, null, ex.getMessage());
		}
	}

	@GetMapping("/services/{name}/asyncapi")
	String asyncApi(@PathVariable String name, Model model) {
		Fleet fleet = this.consul.fleet();
		BusInstance instance = fleet.services()
			.stream()
			.filter((service) -> service.name().equals(name))
			.flatMap((service) -> service.instances().stream())
			.filter((candidate) -> candidate.asyncApi() != null)
			.findFirst()
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
					"no instance of " + name + " serves an AsyncAPI document"));
		model.addAttribute("service", name);
		try {
			model.addAttribute("document", this.apps.asyncApi(instance));
		}
		catch (AppUnavailableException ex) {
			model.addAttribute("problem", ex.getMessage());
		}
		return "asyncapi";
	}

	/**
	 * A service and its instances.
	 *
	 * @param service the service
	 * @param instances its instances, as seen now
	 */
	record ServiceView(Fleet.BusService service, List<InstanceView> instances) {
	}

	/**
	 * An instance: what Consul says and what its app says.
	 *
	 * @param instance what Consul has
	 * @param bus what the app's bus endpoint says, or {@code null}
	 * @param problem why the app did not say, or {@code null}
	 */
	record InstanceView(BusInstance instance, BusEndpointBody bus, String problem) {
	}

}
