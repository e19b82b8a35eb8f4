package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.ApiRequestObserver;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Tells an {@link ApiRequestObserver} of every attempt a fabric8 client makes at a request, as
 * client-go's REST client metrics count them (fabric8 retries failed requests itself; each try is
 * one attempt):
 *
 * <ul>
 *   <li>answered: its status code; a watch's WebSocket upgrade is {@code 101}, a watch over a
 *       streamed GET (fabric8's fallback) {@code 200}. Timed unless it is a watch, from sending to
 *       the response's headers ({@link #after});</li>
 *   <li>not answered (refused, reset, timed out): {@link ApiRequestObserver#NO_RESPONSE}, not timed.
 *       fabric8 calls {@link #afterConnectionFailure} only for an attempt it retries or that timed
 *       out, so the last attempt of a request that fails for good goes uncounted.</li>
 * </ul>
 *
 * <p>The start time travels in the body consumer that fabric8 asks every interceptor for right
 * after their {@link #before} hooks: it is the one object of an attempt that reaches
 * {@link #after} (fabric8 builds a new {@link HttpRequest}, with a new id, at every step). A
 * WebSocket upgrade has no body consumer, but it is a watch and is not timed anyway.
 */
final class ApiRequestInterceptor implements Interceptor {
    /** Its name among the client's interceptors. */
    static final String NAME = "clusterdns-api-requests";

    private final ApiRequestObserver observer;

    ApiRequestInterceptor(ApiRequestObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    @Override
    public AsyncBody.Consumer<List<ByteBuffer>> consumer(AsyncBody.Consumer<List<ByteBuffer>> consumer, HttpRequest request) {
        return new Timed(consumer);
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        String host = host(request.uri());
        observer.completed(request.method(), host, Integer.toString(response.code()));
        Timed timed = consumer == null ? null : consumer.unwrap(Timed.class);
        if (timed != null && !isWatch(request.uri())) {
            observer.timed(request.method(), host, timed.lap());
        }
    }

    @Override
    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
        observer.completed(request.method(), host(request.uri()), ApiRequestObserver.NO_RESPONSE);
    }

    /** client-go's {@code host} label: the URL's {@code host[:port]} as written, without user info. */
    static String host(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return "none";
        }
        int at = authority.lastIndexOf('@');
        return at < 0 ? authority : authority.substring(at + 1);
    }

    /** A list or get with {@code watch=true} (or {@code 1}), as fabric8 and client-go ask for a watch. */
    static boolean isWatch(URI uri) {
        String query = uri.getRawQuery();
        if (query == null) {
            return false;
        }
        for (String param : query.split("&")) {
            if (param.equals("watch=true") || param.equals("watch=1")) {
                return true;
            }
        }
        return false;
    }

    /** The body consumer of one attempt, passing everything on, carrying when the attempt was sent. */
    private static final class Timed implements AsyncBody.Consumer<List<ByteBuffer>> {
        private final AsyncBody.Consumer<List<ByteBuffer>> delegate;
        private long start = System.nanoTime();

        Timed(AsyncBody.Consumer<List<ByteBuffer>> delegate) {
            this.delegate = delegate;
        }

        /**
         * The time since the attempt was sent, or since the last answer: an interceptor's
         * {@code afterFailure} (a token refresh after 401) may send the request again with this
         * consumer, and {@link #after} then hears of that answer too.
         */
        synchronized Duration lap() {
            long now = System.nanoTime();
            Duration took = Duration.ofNanos(now - start);
            start = now;
            return took;
        }

        @Override
        public void consume(List<ByteBuffer> value, AsyncBody asyncBody) throws Exception {
            delegate.consume(value, asyncBody);
        }

        @Override
        public <U> U unwrap(Class<U> target) {
            U self = AsyncBody.Consumer.super.unwrap(target);
            return self != null ? self : delegate.unwrap(target);
        }
    }
}
