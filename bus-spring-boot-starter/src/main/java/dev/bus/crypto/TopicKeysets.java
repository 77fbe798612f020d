package dev.bus.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.io.Resource;

import dev.bus.core.TopicPattern;

/**
 * Which topics are encrypted, and with which Tink keyset: the first pattern that matches
 * a topic decides. Each keyset is an AEAD keyset (AES-256-GCM), in Tink's JSON form, as a
 * Kubernetes secret holds it: several keys, one primary that encrypts, all of them able
 * to decrypt, each ciphertext prefixed with the id of its key.
 *
 * <p>
 * Keysets are loaded at start-up, where a bad one fails it, and {@linkplain #reload()
 * reloaded} when their file changes, so that a key rotation (add, promote, retire) needs
 * no restart. A file that changes into a bad keyset is refused: the last good keyset
 * stays in force, and {@link #problem()} and {@link #failedReloads()} say so. Neither a
 * keyset's content nor a parser's message ever reaches a log line or an exception: only
 * its key ids, which are not secret.
 */
public final class TopicKeysets {

	private static final Log logger = LogFactory.getLog(TopicKeysets.class);

	/** Tink's prefix of a ciphertext: one version byte and the four-byte key id. */
	static final int KEY_ID_PREFIX = 5;

	/**
	 * None, as Tink's {@code tinkey create-keyset --master-key-uri} writes encrypted
	 * keysets.
	 */
	private static final byte[] KEYSET_ASSOCIATED_DATA = new byte[0];

	private final List<Source> sources;

	private final AtomicReferenceArray<TopicKeyset> keysets;

	private final AtomicLong failedReloads = new AtomicLong();

	private volatile String problem;

	private TopicKeysets(List<Source> sources, List<TopicKeyset> keysets) {
		this.sources = sources;
		this.keysets = new AtomicReferenceArray<>(keysets.toArray(TopicKeyset[]::new));
	}

	/**
	 * Loads each keyset, so that a missing, malformed or primary-less keyset fails
	 * start-up.
	 * @throws IllegalStateException naming the property and the file
	 */
	public static TopicKeysets load(List<Source> sources) {
		try {
			AeadConfig.register();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot register Tink's AEAD primitives", ex);
		}
		return new TopicKeysets(List.copyOf(sources),
				sources.stream().map((source) -> load(source, read(source))).toList());
	}

	/**
	 * Reads every keyset file again and takes in the ones that changed; a changed file
	 * that is not a usable keyset is refused and the last good keyset kept.
	 * @return whether every changed file was taken in
	 */
	public boolean reload() {
		boolean allGood = true;
		for (int i = 0; i < this.sources.size(); i++) {
			Source source = this.sources.get(i);
			TopicKeyset current = this.keysets.get(i);
			try {
				String json = read(source);
				if (json.equals(current.json())) {
					continue;
				}
				TopicKeyset reloaded = load(source, json);
				this.keysets.set(i, reloaded);
				logger.info("Reloaded " + source.property() + ": keys "
						+ reloaded.keyIds().stream().map(Integer::toUnsignedString).sorted().toList() + ", primary "
						+ Integer.toUnsignedString(reloaded.primaryKeyId()));
			}
			catch (IllegalStateException ex) {
				allGood = false;
				this.failedReloads.incrementAndGet();
				String refused = ex.getMessage() + "; the last good keyset stays in force";
				if (!refused.equals(this.problem)) {
					logger.warn(refused);
				}
				this.problem = refused;
			}
		}
		if (allGood) {
			this.problem = null;
		}
		return allGood;
	}

	/**
	 * The keysets in force, in the order of their properties: key ids only, which are not
	 * secret.
	 */
	public List<InForce> inForce() {
		List<InForce> inForce = new java.util.ArrayList<>();
		for (int i = 0; i < this.keysets.length(); i++) {
			TopicKeyset keyset = this.keysets.get(i);
			inForce.add(new InForce(this.sources.get(i).property(), keyset.primaryKeyId(), keyset.keyIds()));
		}
		return inForce;
	}

	/**
	 * Why the last reload refused a keyset file, or {@code null} when every file is in
	 * force.
	 */
	public String problem() {
		return this.problem;
	}

	/** Reloads refused since start-up. */
	public long failedReloads() {
		return this.failedReloads.get();
	}

	private static String read(Source source) {
		try {
			return source.keyset().getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			// Without the cause, so that this message, naming the property, is what
			// start-up reports.
			throw new IllegalStateException(
					where(source) + ": the keyset file cannot be read (" + ex.getMessage() + ")");
		}
	}

	private static TopicKeyset load(Source source, String json) {
		try {
			KeysetHandle handle = (source.keyEncryptionKey() != null)
					? TinkJsonProtoKeysetFormat.parseEncryptedKeyset(json, source.keyEncryptionKey(),
							KEYSET_ASSOCIATED_DATA, RegistryConfiguration.get())
					: TinkJsonProtoKeysetFormat.parseKeyset(json, RegistryConfiguration.get(),
							InsecureSecretKeyAccess.get());
			int primary = handle.getPrimary().getId(); // no primary: nothing can encrypt
			Set<Integer> keyIds = new HashSet<>();
			for (int i = 0; i < handle.size(); i++) {
				keyIds.add(handle.getAt(i).getId());
			}
			return new TopicKeyset(source.pattern(), handle.getPrimitive(RegistryConfiguration.get(), Aead.class),
					Set.copyOf(keyIds), primary, json);
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			// The exception's message can quote the keyset: only its type goes out.
			throw new IllegalStateException(where(source) + " is not a usable Tink AEAD keyset with a primary key"
					+ ((source.keyEncryptionKey() != null) ? ", encrypted under its key-encryption key" : "") + " ("
					+ ex.getClass().getSimpleName() + ")");
		}
	}

	private static String where(Source source) {
		return source.property() + " (" + source.keyset().getDescription() + ")";
	}

	/** Whether messages on {@code topic} are encrypted. */
	public boolean encrypts(String topic) {
		return forTopic(topic) != null;
	}

	/**
	 * The keyset of the first pattern matching {@code topic}, or {@code null}: the topic
	 * travels in clear.
	 */
	TopicKeyset forTopic(String topic) {
		for (int i = 0; i < this.keysets.length(); i++) {
			TopicKeyset keyset = this.keysets.get(i);
			if (keyset.pattern().matches(topic)) {
				return keyset;
			}
		}
		return null;
	}

	/**
	 * Where one keyset comes from.
	 *
	 * @param pattern the topics it encrypts
	 * @param keyset the keyset file
	 * @param keyEncryptionKey the key the file is encrypted under (Tink's encrypted
	 * keyset form), or {@code null} for a keyset in clear
	 * @param property the property that named it, for error messages
	 */
	public record Source(TopicPattern pattern, Resource keyset, Aead keyEncryptionKey, String property) {
	}

	/**
	 * A keyset in force, as operators see it during a rotation.
	 *
	 * @param property the property that names its file
	 * @param primaryKeyId the key that encrypts
	 * @param keyIds every key that decrypts
	 */
	public record InForce(String property, int primaryKeyId, Set<Integer> keyIds) {

		@Override
		public String toString() {
			return this.property + ": primary " + Integer.toUnsignedString(this.primaryKeyId) + " of keys "
					+ this.keyIds.stream().map(Integer::toUnsignedString).sorted().toList();
		}

	}

	/**
	 * One loaded keyset: its AEAD, the ids of its keys, the primary's, and the JSON it
	 * came from.
	 */
	record TopicKeyset(TopicPattern pattern, Aead aead, Set<Integer> keyIds, int primaryKeyId, String json) {

		/** Whether the ciphertext's prefix names a key of this keyset. */
		boolean hasKeyOf(byte[] ciphertext) {
			int keyId = ((ciphertext[1] & 0xff) << 24) | ((ciphertext[2] & 0xff) << 16) | ((ciphertext[3] & 0xff) << 8)
					| (ciphertext[4] & 0xff);
			return ciphertext[0] == 1 && this.keyIds.contains(keyId);
		}

		@Override
		public String toString() {
			// never the JSON
			return "TopicKeyset[" + this.pattern + ", " + this.keyIds.size() + " keys]";
		}

	}

}
