package io.clusterdns.server;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Predicate;

/**
 * A real HTTP client (the JDK's) for the server's endpoints. Every request has a deadline; waits
 * repeat requests until a condition holds or {@link Await#DEADLINE} has passed, never sleep.
 */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Await.DEADLINE).build();

    /** One answer: status, body and content type. */
    record Reply(int status, String body, String contentType) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private Http() {
    }

    static Reply get(ListenAddress address, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(Await.DEADLINE).build();
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers().firstValue("content-type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Repeats the request until {@code until} accepts the reply; fails after {@link Await#DEADLINE} with the last one. */
    static Reply await(ListenAddress address, String path, Predicate<Reply> until) {
        return Await.until("GET " + path + " to answer as expected", () -> get(address, path), until);
    }
}
