package dev.bus.testkit.security;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import tools.jackson.databind.json.JsonMapper;
import org.springframework.amqp.core.Message;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;

import dev.bus.BusPublishException;
import dev.bus.OutboundMessage;
import dev.bus.PublishPostProcessor;
import dev.bus.observation.BusObservations;
import dev.bus.publisher.EnvelopeFactory;
import dev.bus.publisher.EnvelopeSigner;
import dev.bus.publisher.OutgoingEnvelope;
import dev.bus.publisher.PublishChain;
import dev.bus.reply.Responder;
import dev.bus.transport.EnvelopeSender;

/**
 * Builds, seals, proves and sends another service's messages with the starter's own
 * {@link EnvelopeFactory}, so they are what a Bus application of that name would send.
 */
final class ServiceEnvelopes {

	/** How much of an answer's exception message reaches the requester. */
	static final int MAX_ERROR_MESSAGE_LENGTH = 1000;

	private final JsonMapper jsonMapper;

	private final String exchange;

	private final long maxMessageSize;

	private final List<OtherServices.Elements> elements;

	/**
	 * @param exchange the bus exchange
	 * @param elements the test kit's elements for tokens and encryption, those the
	 * application uses
	 */
	ServiceEnvelopes(JsonMapper jsonMapper, String exchange, long maxMessageSize,
			List<OtherServices.Elements> elements) {
		this.jsonMapper = jsonMapper;
		this.exchange = exchange;
		this.maxMessageSize = maxMessageSize;
		this.elements = List.copyOf(elements);
	}

	CompletableFuture<Void> publish(OtherService service, OutboundMessage message, EnvelopeSender sender) {
		EnvelopeFactory factory = factory(service);
		OutgoingEnvelope outgoing;
		try {
			outgoing = factory.create(message);
		}
		catch (BusPublishException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return factory
			.signThenSend(outgoing.envelope(), (signed) -> sender.send(this.exchange, signed.topic(), signed), true)
			.whenComplete((ignored, error) -> outgoing.settle(error));
	}

	/**
	 * Answers a request as a Bus responder of {@code service} would: the reply (or the
	 * error) through the starter's own {@link Responder}, as a message of the request's
	 * topic.
	 */
	<T> void answer(OtherService service, Message message, Class<T> type, Function<T, ?> answer,
			EnvelopeSender sender) {
		ServiceRequest request = new ServiceRequest(service.name(), message);
		// another service's reply is not the application's publish: nothing observes it
		Responder responder = new Responder(sender, factory(service), MAX_ERROR_MESSAGE_LENGTH, BusObservations.NONE);
		try {
			this.elements.forEach((element) -> element.receive(service, request));
			T payload = this.jsonMapper.readValue(request.body(), type);
			responder.reply(request.topic(), request.properties(), answer.apply(payload));
		}
		catch (RuntimeException ex) {
			responder.replyError(request.topic(), request.properties(), ex);
		}
	}

	private EnvelopeFactory factory(OtherService service) {
		List<PublishPostProcessor> chain = new ArrayList<>();
		EnvelopeSigner signer = EnvelopeSigner.NONE;
		for (OtherServices.Elements element : this.elements) {
			chain.addAll(element.elements(service));
			EnvelopeSigner elementSigner = element.signer(service);
			if (elementSigner != EnvelopeSigner.NONE) {
				signer = elementSigner;
			}
		}
		// in the order of their elements' orders, as the application's own chain
		AnnotationAwareOrderComparator.sort(chain);
		return new EnvelopeFactory(this.jsonMapper, service.name(), this.maxMessageSize, true, new PublishChain(chain),
				null, signer);
	}

}
