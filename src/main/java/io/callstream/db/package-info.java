/**
 * PostgreSQL plumbing shared by every feature: the node's reactive pool, Flyway migrations at
 * start-up, and the classification of database failures by exception type and SQLSTATE. Imports
 * only {@code config}.
 */
package io.callstream.db;
