package dev.bus.sample.inventory;

import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;

import dev.bus.BusMessage;
import dev.bus.annotation.BusListener;

/**
 * Watches the warehouses' thermometers: MQTT devices that publish
 * {@code warehouse/<site>/temperature}, which the broker's MQTT plugin turns into the
 * topic {@code warehouse.<site>.temperature} on the bus (docs/mqtt.md). A device sets no
 * message id and no content type: Bus gives each reading an id derived from its topic and
 * body (so a device's resend is the same message) and decodes the JSON by the parameter's
 * type.
 */
@Component
class ColdChain {

	private static final Log logger = LogFactory.getLog(ColdChain.class);

	/** Above this, chilled stock is at risk. */
	private static final double MAX_CELSIUS = 8.0;

	@BusListener(topic = "warehouse.*.temperature")
	void onReading(TemperatureReading reading, BusMessage<TemperatureReading> message) {
		String site = message.topic().split("\\.")[1];
		if (reading.celsius() > MAX_CELSIUS) {
			logger.warn("Cold chain: warehouse " + site + " at " + reading.celsius() + " °C (above " + MAX_CELSIUS
					+ " °C), reading " + message.messageId());
		}
		else {
			logger.info("Cold chain: warehouse " + site + " at " + reading.celsius() + " °C");
		}
	}

	/** What a thermometer sends: its reading and when it took it. */
	record TemperatureReading(double celsius, Instant takenAt) {
	}

}
