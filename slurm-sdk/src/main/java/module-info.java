/**
 * The Slurm REST SDK: {@code ai.ringrift.slurm.rest} is the API a service uses (the client, job
 * descriptions and records, errors by category, token sources, waiting, metrics), and
 * {@code ai.ringrift.slurm.metrics} binds the metrics to Micrometer. Everything else, under
 * {@code ai.ringrift.slurm.rest.internal}, is the SDK's own and not exported: it may change in any
 * release.
 */
module ai.ringrift.slurm.sdk {
    requires okhttp3;
    requires okio;
    requires retrofit2;
    requires retrofit2.converter.jackson;
    requires com.fasterxml.jackson.databind;
    requires io.github.resilience4j.core;
    requires io.github.resilience4j.retry;
    requires org.slf4j;
    requires static micrometer.core;

    exports ai.ringrift.slurm.rest;
    exports ai.ringrift.slurm.metrics;

    // the wire model is read by Jackson; the calls are proxied by Retrofit
    opens ai.ringrift.slurm.rest.internal to com.fasterxml.jackson.databind, retrofit2;
}
