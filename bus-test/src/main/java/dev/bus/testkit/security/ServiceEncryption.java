package dev.bus.testkit.security;

import java.util.List;

import dev.bus.IncomingMessage;
import dev.bus.PublishPostProcessor;
import dev.bus.crypto.DecryptingReceivePostProcessor;
import dev.bus.crypto.EncryptingPublishPostProcessor;
import dev.bus.crypto.TopicKeysets;
import dev.bus.transport.BrokerAccess;

/**
 * Another service's payloads on encrypted topics: encrypted with the application's
 * keysets (the services of one system share a topic's keyset) and bound to the service's
 * broker user, through the starter's own encrypting element; the requests it answers
 * decrypted with them.
 */
final class ServiceEncryption implements OtherServices.Elements {

	private final TopicKeysets keysets;

	private final DecryptingReceivePostProcessor decryption;

	ServiceEncryption(TopicKeysets keysets) {
		this.keysets = keysets;
		this.decryption = new DecryptingReceivePostProcessor(keysets, false);
	}

	/** The requests it answers, decrypted as a listener of the service would. */
	@Override
	public void receive(OtherService service, IncomingMessage request) {
		this.decryption.postProcess(request);
	}

	@Override
	public List<PublishPostProcessor> elements(OtherService service) {
		return List.of(new EncryptingPublishPostProcessor(this.keysets, BrokerAccess.user(service.name())));
	}

}
