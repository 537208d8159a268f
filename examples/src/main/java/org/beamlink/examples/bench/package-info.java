/** Benchmarks: mains that generate data, run an algorithm and print one JSON line per run. */
package org.beamlink.examples.bench;
