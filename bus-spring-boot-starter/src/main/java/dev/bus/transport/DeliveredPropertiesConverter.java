package dev.bus.transport;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

/**
 * spring-amqp's converter, except that a message published without a content type keeps
 * none: spring-amqp fills in {@code application/octet-stream}, which a retry or dead
 * letter would then carry as if the publisher had said so. Listeners read a missing
 * content type as JSON, as plain clients often omit it.
 */
final class DeliveredPropertiesConverter extends DefaultMessagePropertiesConverter {

	@Override
	public MessageProperties toMessageProperties(AMQP.BasicProperties source, Envelope envelope, String charset) {
		MessageProperties properties = super.toMessageProperties(source, envelope, charset);
		if (source.getContentType() == null) {
			properties.setContentType(null);
		}
		return properties;
	}

}
