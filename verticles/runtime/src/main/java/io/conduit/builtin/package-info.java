/**
 * What {@code conduit serve}'s built-in deployment runs for trying Conduit out: {@link
 * io.conduit.builtin.EchoVerticle} at {@code echo} (also the load target of {@code conduit bench}), and
 * the task queue's demo handlers {@code example.count} ({@link io.conduit.builtin.CountTask}) and
 * {@code example.train} ({@link io.conduit.builtin.TrainTask}, progress like a training job).
 */
package io.conduit.builtin;
