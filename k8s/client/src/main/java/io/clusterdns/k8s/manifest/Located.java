package io.clusterdns.k8s.manifest;

/** A converted object together with where it was read, for messages that must point at it later. */
record Located<T>(T value, Origin origin) {
}
