package dev.bus.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.bus.DeliveryOutcome;
import dev.bus.IncomingMessage;
import dev.bus.core.BusHeaders;

/**
 * One logical message on its way to a listener method, as the {@link ReceiveChain} sees it: the delivery, the
 * body an element may have replaced, and the elements' outcome callbacks, run last registered first (as scopes
 * nest) when the delivery settles.
 */
final class DeliveredMessage implements IncomingMessage {

	private static final Log logger = LogFactory.getLog(DeliveredMessage.class);

	private final BusListenerDefinition listener;

	private final Message message;

	private final String topic;

	private final int attempt;

	private byte[] body;

	private List<Consumer<DeliveryOutcome>> callbacks;

	DeliveredMessage(BusListenerDefinition listener, Message message, String topic, int attempt) {
		this.listener = listener;
		this.message = message;
		this.topic = topic;
		this.attempt = attempt;
		this.body = message.getBody();
	}

	@Override
	public String topic() {
		return this.topic;
	}

	@Override
	public String messageId() {
		MessageProperties properties = this.message.getMessageProperties();
		if (properties.getMessageId() != null) {
			return properties.getMessageId();
		}
		Object ceId = properties.getHeaders().get(BusHeaders.CE_ID);
		return (ceId != null) ? ceId.toString() : null;
	}

	@Override
	public int attempt() {
		return this.attempt;
	}

	@Override
	public String listenerId() {
		return this.listener.id();
	}

	@Override
	public String group() {
		return this.listener.group();
	}

	@Override
	public String queue() {
		return this.listener.queue();
	}

	@Override
	public MessageProperties properties() {
		return this.message.getMessageProperties();
	}

	@Override
	public byte[] body() {
		return this.body;
	}

	@Override
	public void setBody(byte[] body) {
		this.body = Objects.requireNonNull(body, "body must not be null");
	}

	@Override
	public void onSettled(Consumer<DeliveryOutcome> callback) {
		if (this.callbacks == null) {
			this.callbacks = new ArrayList<>(2);
		}
		this.callbacks.add(callback);
	}

	/** The message as delivered, with its original body: what retries and dead letters carry. */
	Message original() {
		return this.message;
	}

	/** Runs the outcome callbacks once; one that throws is logged and the rest still run. */
	void settle(DeliveryOutcome outcome) {
		List<Consumer<DeliveryOutcome>> registered = this.callbacks;
		if (registered == null) {
			return;
		}
		this.callbacks = null;
		for (int i = registered.size() - 1; i >= 0; i--) {
			try {
				registered.get(i).accept(outcome);
			}
			catch (RuntimeException ex) {
				logger.warn("Delivery outcome callback failed in listener '" + this.listener.id() + "'", ex);
			}
		}
	}

}
