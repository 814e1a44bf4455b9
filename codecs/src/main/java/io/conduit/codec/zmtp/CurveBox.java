package io.conduit.codec.zmtp;

import com.neilalexander.jnacl.crypto.curve25519xsalsa20poly1305;
import com.neilalexander.jnacl.crypto.xsalsa20poly1305;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * NaCl boxes as CurveZMQ (RFC 26) uses them, over the jnacl implementation that JeroMQ brings: no
 * cryptography here, only NaCl's zero-padding convention (32 zero bytes before a plaintext, 16
 * before a box) kept off the wire.
 */
final class CurveBox {

  static final int KEY = 32;
  static final int MAC = 16;
  private static final int ZERO = 32;
  private static final int BOX_ZERO = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private CurveBox() {
  }

  /** A fresh key pair: {public, secret}. */
  static byte[][] keyPair() {
    byte[] secret = random(KEY);
    byte[] pub = new byte[KEY];
    curve25519xsalsa20poly1305.crypto_box_getpublickey(pub, secret);
    return new byte[][] {pub, secret};
  }

  /** The public key of a secret key. */
  static byte[] publicKey(byte[] secret) {
    byte[] pub = new byte[KEY];
    curve25519xsalsa20poly1305.crypto_box_getpublickey(pub, secret);
    return pub;
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** The shared key of a public and a secret key, for {@link #seal}/{@link #open} with a precomputed key. */
  static byte[] shared(byte[] publicKey, byte[] secretKey) {
    byte[] k = new byte[KEY];
    curve25519xsalsa20poly1305.crypto_box_beforenm(k, publicKey, secretKey);
    return k;
  }

  /** A 24-byte nonce: an ASCII prefix, then {@code tail}. */
  static byte[] nonce(String prefix, byte[] tail) {
    byte[] n = new byte[24];
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(p, 0, n, 0, p.length);
    System.arraycopy(tail, 0, n, p.length, tail.length);
    return n;
  }

  /** A 24-byte nonce: a 16-byte ASCII prefix, then a big-endian counter. */
  static byte[] nonce(String prefix, long counter) {
    return nonce(prefix, shortNonce(counter));
  }

  static byte[] shortNonce(long counter) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) counter;
      counter >>>= 8;
    }
    return b;
  }

  static long readLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  /** Box[plain](key): MAC and ciphertext, {@code plain.length + 16} bytes; {@code extra} leading bytes of the result are left free. */
  static byte[] seal(byte[] key, byte[] nonce, int flagsPrefix, byte[] plain, int offset, int length) {
    int prefix = flagsPrefix >= 0 ? 1 : 0;
    int mlen = ZERO + prefix + length;
    byte[] m = new byte[mlen];
    if (prefix == 1) {
      m[ZERO] = (byte) flagsPrefix;
    }
    System.arraycopy(plain, offset, m, ZERO + prefix, length);
    byte[] c = new byte[mlen];
    curve25519xsalsa20poly1305.crypto_box_afternm(c, m, mlen, nonce, key);
    byte[] out = new byte[mlen - BOX_ZERO];
    System.arraycopy(c, BOX_ZERO, out, 0, out.length);
    return out;
  }

  static byte[] seal(byte[] key, byte[] nonce, byte[] plain) {
    return seal(key, nonce, -1, plain, 0, plain.length);
  }

  /** Where the plaintext starts in what {@link #openPadded} returns. */
  static final int PLAIN_AT = ZERO;

  /** Opens Box[...](key) found at {@code box[offset, offset+length)}; the plaintext, or a CRYPTO failure. */
  static byte[] open(byte[] key, byte[] nonce, byte[] box, int offset, int length, String what) throws ZmtpException {
    byte[] m = openPadded(key, nonce, box, offset, length, what);
    return Arrays.copyOfRange(m, ZERO, m.length);
  }

  /**
   * Like {@link #open}, with the plaintext left where NaCl puts it, at {@link #PLAIN_AT}: a caller
   * that copies it out anyway spares a copy of the whole frame.
   */
  static byte[] openPadded(byte[] key, byte[] nonce, byte[] box, int offset, int length, String what)
      throws ZmtpException {
    if (length < MAC) {
      throw new ZmtpException(ZmtpException.Reason.MALFORMED, what + " is too short");
    }
    int clen = BOX_ZERO + length;
    byte[] c = new byte[clen];
    System.arraycopy(box, offset, c, BOX_ZERO, length);
    byte[] m = new byte[clen];
    if (curve25519xsalsa20poly1305.crypto_box_open_afternm(m, c, clen, nonce, key) != 0) {
      throw new ZmtpException(ZmtpException.Reason.CRYPTO, what + " does not open");
    }
    return m;
  }

  /** SecretBox[plain](key) without NaCl's padding. */
  static byte[] secretSeal(byte[] key, byte[] nonce, byte[] plain) {
    int mlen = ZERO + plain.length;
    byte[] m = new byte[mlen];
    System.arraycopy(plain, 0, m, ZERO, plain.length);
    byte[] c = new byte[mlen];
    xsalsa20poly1305.crypto_secretbox(c, m, mlen, nonce, key);
    byte[] out = new byte[mlen - BOX_ZERO];
    System.arraycopy(c, BOX_ZERO, out, 0, out.length);
    return out;
  }

  static byte[] secretOpen(byte[] key, byte[] nonce, byte[] box, int offset, int length, String what)
      throws ZmtpException {
    int clen = BOX_ZERO + length;
    byte[] c = new byte[clen];
    System.arraycopy(box, offset, c, BOX_ZERO, length);
    byte[] m = new byte[clen];
    if (length < MAC || xsalsa20poly1305.crypto_secretbox_open(m, c, clen, nonce, key) != 0) {
      throw new ZmtpException(ZmtpException.Reason.CRYPTO, what + " does not open");
    }
    byte[] plain = new byte[clen - ZERO];
    System.arraycopy(m, ZERO, plain, 0, plain.length);
    return plain;
  }
}
