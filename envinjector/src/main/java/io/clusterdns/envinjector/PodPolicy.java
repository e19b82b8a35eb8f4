package io.clusterdns.envinjector;

import java.util.List;
import java.util.Objects;

/** What the annotations and namespace labels ask for one pod. */
public sealed interface PodPolicy {

    /** Leave the pod alone. */
    record Skip(SkipReason reason) implements PodPolicy {
        public Skip {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Inject.
     *
     * @param services the services of {@code clusterdns.io/services} in the order written, or null
     *                 for the default set: what kubelet would inject (the pod's namespace, plus
     *                 {@code default/kubernetes})
     * @param style    which variables each service contributes
     */
    record Inject(List<ServiceRef> services, EnvStyle style) implements PodPolicy {
        public Inject {
            services = services == null ? null : List.copyOf(services);
            Objects.requireNonNull(style, "style");
        }

        public boolean kubeletDefaultSet() {
            return services == null;
        }
    }
}
