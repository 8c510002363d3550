package ccs.connector.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An agent's session as the state store keeps it: sealed with AES-GCM under a key derived from the tenant's app token, so
 * a copy of the store (a backup, read access to the table) holds no live session, while every replica that has the
 * tenant's app token reads it with no setting of its own. The tenant and agent are the sealed text's associated data: a
 * row copied onto another agent's does not open.
 */
final class SealedSessions {

    /** Marks the format (and the key's label): a row without it is an earlier version's plain text. */
    private static final String PREFIX = "v1:";
    private static final byte[] KEY_LABEL = "ccs-connector agent session key v1".getBytes(StandardCharsets.UTF_8);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SealedSessions() {
    }

    static String seal(String appToken, String tenant, String agentEmail, String session) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            byte[] sealed = cipher(Cipher.ENCRYPT_MODE, appToken, tenant, agentEmail, nonce).doFinal(session.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            // AES-GCM and HMAC-SHA256 are in every JDK: this is not a row's fault
            throw new IllegalStateException("the JDK cannot seal with AES-GCM", e);
        }
    }

    /**
     * The session a row holds, or empty when it does not open with this app token: the token was changed since, the row
     * is an earlier version's plain text, or another agent's.
     */
    static Optional<String> open(String appToken, String tenant, String agentEmail, String stored) {
        if (!stored.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            if (bytes.length <= NONCE_BYTES) {
                return Optional.empty();
            }
            byte[] nonce = Arrays.copyOf(bytes, NONCE_BYTES);
            byte[] plain = cipher(Cipher.DECRYPT_MODE, appToken, tenant, agentEmail, nonce).doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return Optional.of(new String(plain, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Cipher cipher(int mode, String appToken, String tenant, String agentEmail, byte[] nonce) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(appToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(mac.doFinal(KEY_LABEL), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD((tenant + "\n" + agentEmail).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
