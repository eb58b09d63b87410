/**
 * The web toolkit at the bottom: reading and checking API input, writing JSON answers, and the one
 * failure handler that turns a {@code Failure}'s kind (or an unavailable database) into an HTTP
 * status. Imports no feature.
 */
package io.callstream.web;
