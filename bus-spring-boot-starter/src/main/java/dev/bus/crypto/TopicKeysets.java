package dev.bus.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import org.springframework.core.io.Resource;

import dev.bus.core.TopicPattern;

/**
 * Which topics are encrypted, and with which Tink keyset: the first pattern that matches a topic decides. Each
 * keyset is an AEAD keyset (AES-256-GCM), in Tink's JSON form, as a Kubernetes secret holds it: several keys, one
 * primary that encrypts, all of them able to decrypt, each ciphertext prefixed with the id of its key.
 */
public final class TopicKeysets {

	/** Tink's prefix of a ciphertext: one version byte and the four-byte key id. */
	static final int KEY_ID_PREFIX = 5;

	private final List<TopicKeyset> keysets;

	private TopicKeysets(List<TopicKeyset> keysets) {
		this.keysets = keysets;
	}

	/**
	 * Loads each keyset, so that a missing, malformed or primary-less keyset fails start-up.
	 * @throws IllegalStateException naming the property and the file
	 */
	public static TopicKeysets load(List<Source> sources) {
		try {
			AeadConfig.register();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot register Tink's AEAD primitives", ex);
		}
		return new TopicKeysets(sources.stream().map(TopicKeysets::load).toList());
	}

	private static TopicKeyset load(Source source) {
		String where = source.property() + " (" + source.keyset().getDescription() + ")";
		String json;
		try {
			json = source.keyset().getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			// Without the cause, so that this message, naming the property, is what start-up reports.
			throw new IllegalStateException(where + ": the keyset file cannot be read (" + ex.getMessage() + ")");
		}
		try {
			KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
			handle.getPrimary(); // no primary: nothing can encrypt
			Set<Integer> keyIds = new HashSet<>();
			for (int i = 0; i < handle.size(); i++) {
				keyIds.add(handle.getAt(i).getId());
			}
			return new TopicKeyset(source.pattern(),
					handle.getPrimitive(RegistryConfiguration.get(), Aead.class), Set.copyOf(keyIds));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			// The exception's message can quote the keyset: only its type goes out.
			throw new IllegalStateException(where + " is not a usable Tink AEAD keyset with a primary key ("
					+ ex.getClass().getSimpleName() + ")");
		}
	}

	/** The keyset of the first pattern matching {@code topic}, or {@code null}: the topic travels in clear. */
	TopicKeyset forTopic(String topic) {
		for (TopicKeyset keyset : this.keysets) {
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
	 * @param property the property that named it, for error messages
	 */
	public record Source(TopicPattern pattern, Resource keyset, String property) {
	}

	/** One loaded keyset: its AEAD and the ids of its keys. */
	record TopicKeyset(TopicPattern pattern, Aead aead, Set<Integer> keyIds) {

		/** Whether the ciphertext's prefix names a key of this keyset. */
		boolean hasKeyOf(byte[] ciphertext) {
			int keyId = ((ciphertext[1] & 0xff) << 24) | ((ciphertext[2] & 0xff) << 16) | ((ciphertext[3] & 0xff) << 8)
					| (ciphertext[4] & 0xff);
			return ciphertext[0] == 1 && this.keyIds.contains(keyId);
		}

	}

}
