package dev.bus.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.crypto.TopicKeysets;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.Rabbit;
import dev.bus.test.SteadyRate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The documented key rotation (docs/security.md: add, roll out, promote, roll out,
 * retire) run against two publishing and two consuming instances that share the keyset
 * file, as pods share a mounted secret, under a steady load throughout: every message is
 * published, decrypted and handled, none fails and none is dead-lettered.
 */
class KeyRotationIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	@TempDir
	Path keys;

	record Payment(String id) {
	}

	/** What both consuming instances handled, by id. */
	static final Set<String> handled = ConcurrentHashMap.newKeySet();

	static class Ledger {

		@BusListener(topic = "payments.*", group = "ledger")
		void on(Payment payment) {
			handled.add(payment.id());
		}

	}

	@Test
	void aRotationUnderSteadyLoadAcrossFourInstancesLosesAndFailsNothing() throws Exception {
		AeadConfig.register();
		handled.clear();
		Path keysetFile = this.keys.resolve("payments.json");
		KeysetHandle first = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
		write(keysetFile, first);
		String exchange = BusContexts.uniqueName("bus-rotation");
		String[] encryption = { "bus.security.encryption.topics[0].pattern=payments.*",
				"bus.security.encryption.topics[0].keyset=file:" + keysetFile,
				"bus.security.encryption.reload-interval=200ms" };
		List<ConfigurableApplicationContext> instances = new ArrayList<>();
		Set<String> published = ConcurrentHashMap.newKeySet();
		AtomicInteger failures = new AtomicInteger();
		AtomicBoolean loading = new AtomicBoolean(true);
		Thread load = null;
		try {
			for (int i = 0; i < 2; i++) {
				instances.add(BusContexts.start(exchange, "ledger", List.of(Ledger.class), encryption));
			}
			for (int i = 0; i < 2; i++) {
				instances.add(BusContexts.start(exchange, "checkout-" + i, List.of(), encryption));
			}
			this.cleanup.track(instances.get(0));
			BusContexts.awaitConsuming(instances.get(0), instances.get(1));
			List<BusPublisher> publishers = List.of(instances.get(2).getBean(BusPublisher.class),
					instances.get(3).getBean(BusPublisher.class));
			load = new Thread(() -> steadyLoad(publishers, published, failures, loading), "rotation-load");
			load.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> published.size() > 100);

			// 1. Add a new key, not primary, and roll it out: everybody can decrypt under
			// it.
			KeysetHandle added = KeysetHandle.newBuilder(first)
				.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId())
				.build();
			int newKey = added.getAt(1).getId();
			write(keysetFile, added);
			awaitInForce(instances, first.getPrimary().getId(), Set.of(first.getPrimary().getId(), newKey));

			// 2. Promote it, and roll that out: publishers encrypt under it.
			KeysetHandle.Builder promoting = KeysetHandle.newBuilder(added);
			promoting.getAt(1).makePrimary();
			KeysetHandle promoted = promoting.build();
			write(keysetFile, promoted);
			awaitInForce(instances, newKey, Set.of(first.getPrimary().getId(), newKey));
			Set<String> underTheOldKey = Set.copyOf(published);
			await().atMost(Duration.ofSeconds(20)).until(() -> handled.containsAll(underTheOldKey));

			// 3. Retire the old key once nothing encrypted under it is left to read.
			KeysetHandle.Builder retiring = KeysetHandle.newBuilder(promoted);
			retiring.deleteAt(0);
			write(keysetFile, retiring.build());
			awaitInForce(instances, newKey, Set.of(newKey));
			int atRetirement = published.size();
			await().atMost(Duration.ofSeconds(10)).until(() -> published.size() > atRetirement + 100);

			loading.set(false);
			load.join();
			await().atMost(Duration.ofSeconds(20)).until(() -> handled.containsAll(published));
			assertThat(failures).as("failed publishes").hasValue(0);
			assertThat(published).hasSizeGreaterThan(300);
			try (Rabbit rabbit = Rabbit.connect()) {
				String deadLetters = instances.get(0)
					.getBean(BusListenerRegistry.class)
					.definitions()
					.get(0)
					.deadLetterQueue();
				assertThat(rabbit.messageCount(deadLetters)).as("dead letters").isZero();
			}
		}
		finally {
			loading.set(false);
			if (load != null) {
				load.join();
			}
			instances.forEach(ConfigurableApplicationContext::close);
		}
	}

	/**
	 * About 200 messages a second, alternating between the two publishing instances,
	 * every one confirmed.
	 */
	private static void steadyLoad(List<BusPublisher> publishers, Set<String> published, AtomicInteger failures,
			AtomicBoolean loading) {
		List<CompletableFuture<?>> pending = new ArrayList<>();
		SteadyRate rate = new SteadyRate(200);
		int n = 0;
		while (loading.get()) {
			rate.awaitSlot(n);
			String id = "p-" + n;
			pending.add(publishers.get(n % 2)
				.publish("payments.captured", new Payment(id))
				.whenComplete((receipt, error) -> {
					if (error != null) {
						failures.incrementAndGet();
					}
					else {
						published.add(id);
					}
				}));
			n++;
		}
		CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally((error) -> null).join();
	}

	private static void awaitInForce(List<ConfigurableApplicationContext> instances, int primary, Set<Integer> keys) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> instances.stream()
				.map((instance) -> instance.getBean(TopicKeysets.class).inForce().get(0))
				.allMatch((inForce) -> inForce.primaryKeyId() == primary && inForce.keyIds().equals(keys)));
	}

	private static void write(Path file, KeysetHandle keyset) throws Exception {
		// As Kubernetes updates a mounted secret: the new content appears at once, never
		// half written.
		Path next = file.resolveSibling(file.getFileName() + ".next");
		Files.writeString(next, TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
		Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
				java.nio.file.StandardCopyOption.ATOMIC_MOVE);
	}

}
