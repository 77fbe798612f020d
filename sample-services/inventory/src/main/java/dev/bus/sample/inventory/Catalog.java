package dev.bus.sample.inventory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;

/**
 * The products inventory stocks: the trickle's {@code sku-<n>} from the start, any other
 * once someone adds it ({@code PUT /catalog/{sku}}). An order for a product not in the
 * catalog fails and lands in the dead-letter queue, where an operator can retry it once
 * the product is added: the console's walkthrough (docs/console.md).
 */
@Service
class Catalog {

	private static final Pattern STOCKED_FROM_THE_START = Pattern.compile("sku-[0-9]+");

	private final Set<String> added = ConcurrentHashMap.newKeySet();

	boolean contains(String sku) {
		return sku != null && (STOCKED_FROM_THE_START.matcher(sku).matches() || this.added.contains(sku));
	}

	/** Adds a product; {@code true} when it was not stocked before. */
	boolean add(String sku) {
		return !contains(sku) && this.added.add(sku);
	}

	/** An order line for a product inventory does not stock. */
	static class UnknownProductException extends IllegalStateException {

		UnknownProductException(String sku) {
			super("product " + sku + " is not in the catalog");
		}

	}

}
