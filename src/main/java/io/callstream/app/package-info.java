/**
 * The assembly, on top of everything: the command line ({@code Main}, {@code Commands} and the
 * command classes), one node's start-up and shutdown ({@code NodeStartup}, {@code Node}, {@code
 * Shutdown}), the object graph of a verticle instance ({@code Assembly}), the HTTP verticle that
 * only wires, and the node's own endpoints (health, readiness, metrics, drain guard). It may import
 * every package; no other package imports it.
 */
package io.callstream.app;
