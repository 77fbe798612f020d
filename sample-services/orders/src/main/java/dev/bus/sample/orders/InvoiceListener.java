package dev.bus.sample.orders;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;

import dev.bus.BusMessage;
import dev.bus.annotation.BusListener;

/**
 * Hears that an order was invoiced. The invoice comes from the invoicing service, written
 * in Python (pika), after the shipping service, written in Node (amqplib), scheduled the
 * shipment: the same bus, three languages (sample-services/polyglot, docs/interop.md).
 * The broker checked who published it: only the invoicing client's token may write
 * {@code invoice.issued}.
 */
@Component
class InvoiceListener {

	private static final Log logger = LogFactory.getLog(InvoiceListener.class);

	@BusListener(topic = "invoice.issued")
	void onInvoiced(Invoice invoice, BusMessage<Invoice> message) {
		logger.info("Invoiced order " + invoice.orderId() + ": " + invoice.amountCents() + " cents, shipped by "
				+ invoice.carrier() + " (from " + message.source() + ")");
	}

	/** What the invoicing service publishes. */
	record Invoice(String orderId, String carrier, long amountCents) {
	}

}
