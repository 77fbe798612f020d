package dev.bus.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import org.springframework.core.io.ResourceLoader;

/**
 * A key-encryption key from a Tink AEAD keyset file, for {@code keyset-file:<location>}
 * URIs: keysets encrypted under a key kept apart from them (another secret, another
 * mount, other readers) where no KMS is at hand. Tink's own KMS clients
 * ({@code gcp-kms://}, {@code aws-kms://}, in Tink's KMS extensions) plug in the same
 * way, as {@link KmsClient} beans. Written here because Tink's main artifact has no
 * file-based {@code KmsClient}.
 */
public final class KeysetFileKmsClient implements KmsClient {

	/** The URI prefix this client serves; what follows is a Spring resource location. */
	public static final String PREFIX = "keyset-file:";

	private final ResourceLoader resourceLoader;

	public KeysetFileKmsClient(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public boolean doesSupport(String keyUri) {
		return keyUri != null && keyUri.startsWith(PREFIX);
	}

	@Override
	public KmsClient withCredentials(String credentialPath) {
		return this;
	}

	@Override
	public KmsClient withDefaultCredentials() {
		return this;
	}

	@Override
	public Aead getAead(String keyUri) throws GeneralSecurityException {
		if (!doesSupport(keyUri)) {
			throw new GeneralSecurityException("not a " + PREFIX + " URI");
		}
		String json;
		try {
			json = this.resourceLoader.getResource(keyUri.substring(PREFIX.length()))
				.getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new GeneralSecurityException("the key-encryption keyset cannot be read (" + ex.getMessage() + ")");
		}
		AeadConfig.register();
		return TinkJsonProtoKeysetFormat.parseKeyset(json, RegistryConfiguration.get(), InsecureSecretKeyAccess.get())
			.getPrimitive(RegistryConfiguration.get(), Aead.class);
	}

}
