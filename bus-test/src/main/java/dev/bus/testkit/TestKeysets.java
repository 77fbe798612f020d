package dev.bus.testkit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ProtocolResolver;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Keysets for encrypted topics in tests, without a file:
 * {@code bus.security.encryption.topics[0].keyset=test-keyset:orders} is a fresh
 * AES-256-GCM keyset (Tink JSON, in clear), the same one for every use of the name in the
 * test run, so that two applications, or the application and another service a test sends
 * as, share it as they would share a mounted secret. Registered in every Spring test's
 * context by the test kit; a keyset made here never leaves the JVM.
 */
public final class TestKeysets implements ProtocolResolver {

	/** The prefix of a test keyset's location. */
	public static final String PREFIX = "test-keyset:";

	private static final Map<String, String> keysets = new ConcurrentHashMap<>();

	@Override
	public Resource resolve(String location, ResourceLoader resourceLoader) {
		if (!location.startsWith(PREFIX)) {
			return null;
		}
		String name = location.substring(PREFIX.length());
		return new ByteArrayResource(json(name).getBytes(StandardCharsets.UTF_8), "test keyset '" + name + "'");
	}

	/** The keyset named {@code name}, made on first use, as Tink's JSON in clear. */
	public static String json(String name) {
		return keysets.computeIfAbsent(name, (ignored) -> Tink.newKeyset());
	}

	/**
	 * Tink, loaded only when a test keyset is asked for: the resolver is in every test's
	 * context, whether Tink is on the class path or not.
	 */
	private static final class Tink {

		static String newKeyset() {
			try {
				AeadConfig.register();
				return TinkJsonProtoKeysetFormat.serializeKeyset(
						KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("cannot make a test keyset", ex);
			}
		}

	}

}
