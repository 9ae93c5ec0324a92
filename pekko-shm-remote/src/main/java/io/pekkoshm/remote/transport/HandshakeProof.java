package io.pekkoshm.remote.transport;

import io.pekkoshm.remote.wire.HelloFlyweight;
import org.agrona.DirectBuffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * Proof, in every HELLO and HELLO_ACK, that the sender is a node of this host's pekko-shm directory: an
 * HMAC-SHA256, keyed with the directory's owner-only secret file, of the handshake body before it. A process that
 * cannot read the secret (another OS user, a stray process writing into a node's stream) cannot make one, so its
 * handshake is rejected, counted, and no association (hence no delivery) follows.
 * <pre>
 *   HELLO / HELLO_ACK body:  identity ({@link HelloFlyweight}) | proof (32 bytes)
 * </pre>
 */
final class HandshakeProof
{
    static final int LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    HandshakeProof(final byte[] secret)
    {
        this.key = new SecretKeySpec(secret, ALGORITHM);
    }

    /** The identity body followed by its proof. */
    byte[] sign(final byte[] identityBody)
    {
        final byte[] signed = new byte[identityBody.length + LENGTH];
        System.arraycopy(identityBody, 0, signed, 0, identityBody.length);
        System.arraycopy(mac(identityBody), 0, signed, identityBody.length, LENGTH);
        return signed;
    }

    /**
     * Whether the last {@link #LENGTH} bytes of {@code buffer[offset, offset + length)} prove the bytes before them.
     */
    boolean verify(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < LENGTH)
        {
            return false;
        }
        final byte[] body = new byte[length - LENGTH];
        final byte[] proof = new byte[LENGTH];
        buffer.getBytes(offset, body);
        buffer.getBytes(offset + body.length, proof);
        return MessageDigest.isEqual(mac(body), proof);
    }

    private byte[] mac(final byte[] bytes)
    {
        try
        {
            final Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(bytes);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", ex);
        }
    }
}
