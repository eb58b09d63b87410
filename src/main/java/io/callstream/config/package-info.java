/**
 * Typed, validated settings: {@code conf/} files overridden by the environment, read once at
 * start-up into records (one per concern) that the assembly hands to the features. Imports nothing
 * of callstream.
 */
package io.callstream.config;
