package io.clusterdns.envinjector.tls;

/** A certificate or key that cannot be used; the message is fit to show the operator as is. */
public final class TlsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TlsException(String message) {
        super(message);
    }

    public TlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
