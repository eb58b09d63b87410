/**
 * Drivers: the {@code drivers} table and its admin API. Uses the web toolkit, {@code auth} and
 * {@code db}.
 */
package io.callstream.driver;
