package dev.bus.sample.inventory;

import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Adds a product to the catalog ({@code PUT /catalog/{sku}}): open on loopback, like the
 * rest of the samples' own API.
 */
@RestController
class CatalogController {

	private static final Pattern SKU = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private final Catalog catalog;

	CatalogController(Catalog catalog) {
		this.catalog = catalog;
	}

	@PutMapping("/catalog/{sku}")
	ResponseEntity<Map<String, Object>> add(@PathVariable String sku) {
		if (!SKU.matcher(sku).matches()) {
			return ResponseEntity.badRequest().body(Map.of("error", "a sku is 1 to 64 letters, digits, '.', '_', '-'"));
		}
		boolean added = this.catalog.add(sku);
		return ResponseEntity.ok(Map.of("sku", sku, "added", added));
	}

}
