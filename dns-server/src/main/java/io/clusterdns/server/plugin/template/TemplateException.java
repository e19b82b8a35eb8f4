package io.clusterdns.server.plugin.template;

/** A template that does not parse (at setup) or does not execute (for one query); the message says why. */
final class TemplateException extends RuntimeException {
    TemplateException(String message) {
        super(message, null, false, false);
    }
}
