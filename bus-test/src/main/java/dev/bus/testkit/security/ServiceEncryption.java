package dev.bus.testkit.security;

import java.util.List;

import dev.bus.PublishPostProcessor;
import dev.bus.crypto.EncryptingPublishPostProcessor;
import dev.bus.crypto.TopicKeysets;
import dev.bus.transport.BrokerAccess;

/**
 * Another service's payloads on encrypted topics: encrypted with the application's
 * keysets (the services of one system share a topic's keyset) and bound to the service's
 * broker user, through the starter's own encrypting element.
 */
final class ServiceEncryption implements OtherServices.Elements {

	private final TopicKeysets keysets;

	ServiceEncryption(TopicKeysets keysets) {
		this.keysets = keysets;
	}

	@Override
	public List<PublishPostProcessor> elements(OtherService service) {
		return List.of(new EncryptingPublishPostProcessor(this.keysets, BrokerAccess.user(service.name())));
	}

}
